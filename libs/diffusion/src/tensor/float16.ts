/**
 * IEEE 754 binary16 ("half") conversions for the fp16 model variant: Node 20 has no
 * Float16Array, so onnxruntime-node takes and returns float16 tensors as their raw bits
 * in a Uint16Array. Rounding is to nearest, ties to even (IEEE 754 §4.3.1, what NumPy's
 * `astype(np.float16)` and CUDA's `__float2half_rn` do); overflow gives ±∞, NaN stays NaN.
 */

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** The binary16 bits nearest to `value` (first rounded to float32). */
export function toFloat16Bits(value: number): number {
  scratch[0] = value;
  const x = scratchBits[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: the 24-bit significand shifted right by 14 − e, rounded.
    if (e < -10) return sign;
    const significand = mantissa | 0x800000;
    const shift = 14 - e;
    const kept = significand >>> shift;
    const rest = significand & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (rest > halfway || (rest === halfway && (kept & 1) === 1) ? kept + 1 : kept);
  }
  const bits = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to ∞).
  return sign | (rest > 0x1000 || (rest === 0x1000 && (bits & 1) === 1) ? bits + 1 : bits);
}

/** The value of binary16 bits. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function float32ToFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = toFloat16Bits(values[i]);
  return out;
}

let decodeTable: Float32Array | undefined;

/** Float32 values of binary16 bits (through a 65 536-entry table, built once). */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  if (!decodeTable) {
    decodeTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) decodeTable[h] = fromFloat16Bits(h);
  }
  const table = decodeTable;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < out.length; i++) out[i] = table[bits[i]];
  return out;
}
