/**
 * NumPy's .npy format (numpy/lib/format.py, "NEP 1"): magic "\x93NUMPY", a version, a
 * little-endian header length (uint16 in 1.0, uint32 in 2.0/3.0), an ASCII Python dict
 * literal {'descr', 'fortran_order', 'shape'}, then the raw array. The empty-prompt
 * embedding is stored this way (`numpy.save`): float32 or float16, little-endian, C order.
 */

export interface NpyArray {
  readonly dtype: 'float32' | 'float16';
  readonly shape: readonly number[];
  /** float16 arrays keep their bits (Uint16Array), as onnxruntime-node takes them. */
  readonly data: Float32Array | Uint16Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const DESCR: Readonly<Record<string, NpyArray['dtype']>> = { '<f4': 'float32', '<f2': 'float16' };

/** Parses an .npy file; throws an Error saying what is wrong. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('not a NumPy .npy file (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : major === 2 || major === 3 ? view.getUint32(8, true) : -1;
  if (headerLength < 0) throw new Error(`unsupported .npy version ${major}.${bytes[7]}`);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`malformed .npy header ${JSON.stringify(header.trim())}`);
  const dtype = DESCR[descr];
  if (!dtype) throw new Error(`.npy dtype ${descr} is not supported (little-endian float32 '<f4' or float16 '<f2')`);
  if (fortran === 'True') throw new Error('.npy array is in Fortran order; save it in C order');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`malformed .npy shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  const itemSize = dtype === 'float32' ? 4 : 2;
  if (bytes.length - offset !== count * itemSize) throw new Error(`.npy holds ${bytes.length - offset} data bytes, shape (${shape.join(', ')}) needs ${count * itemSize}`);
  const copy = new Uint8Array(count * itemSize); // aligned, and not a view of a pooled Buffer
  copy.set(bytes.subarray(offset, offset + count * itemSize));
  const data = dtype === 'float32' ? new Float32Array(copy.buffer) : new Uint16Array(copy.buffer);
  return { dtype, shape, data };
}

/** Serialises a float32 array as .npy 1.0 (header padded to a multiple of 64 bytes). */
export function encodeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const padding = (64 - ((10 + header.length + 1) % 64)) % 64;
  const text = `${header}${' '.repeat(padding)}\n`;
  const out = new Uint8Array(10 + text.length + data.byteLength);
  out.set([...MAGIC, 1, 0, text.length & 0xff, text.length >> 8]);
  out.set(new TextEncoder().encode(text), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + text.length);
  return out;
}
