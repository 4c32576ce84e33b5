import type { InputFormat } from '@pertouch/contracts';

export { INPUT_FORMATS, OUTPUT_FORMATS, type InputFormat } from '@pertouch/contracts';

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  return magic.every((b, i) => bytes[at + i] === b);
}

/** ISO-BMFF brands of AVIF and of HEIF/HEIC images (and image sequences). */
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

/**
 * AVIF or HEIF from an ISO-BMFF `ftyp` box: the major brand, else the compatible
 * brands (a file may say `mif1` first and `avif` later). Other ISO-BMFF files (MP4
 * video, QuickTime, JPEG 2000…) are neither.
 */
function isoBmffFormat(bytes: Uint8Array): 'avif' | 'heif' | undefined {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return undefined;
  const boxSize = ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
  if (boxSize < 16) return undefined;
  const end = Math.min(boxSize, bytes.length);
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, at + 4));
  if (AVIF_BRANDS.has(brands[0])) return 'avif';
  if (HEIF_BRANDS.has(brands[0]) && brands[0] !== 'mif1' && brands[0] !== 'msf1') return 'heif';
  if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif';
  if (brands.some((b) => HEIF_BRANDS.has(b))) return 'heif';
  return undefined;
}

/**
 * The format of image bytes from their magic numbers alone — never from a file name or
 * a Content-Type, which the sender chooses. Only the formats PerTouch accepts are
 * named; anything else (GIF, BMP, SVG, PDF, …) is undefined.
 */
export function sniffFormat(bytes: Uint8Array): InputFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  // Classic TIFF (42) and BigTIFF (43), either byte order.
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  return isoBmffFormat(bytes);
}

/** A name for some well-known formats PerTouch refuses, for clearer error messages. */
export function sniffRefusedFormat(bytes: Uint8Array): string | undefined {
  const head = ascii(bytes, 0, Math.min(bytes.length, 256));
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'GIF';
  if (head.startsWith('BM')) return 'BMP';
  if (head.startsWith('%PDF')) return 'PDF';
  if (/^\s*(<\?xml[^>]*>\s*)?<svg/i.test(head)) return 'SVG';
  if (startsWith(bytes, [0xff, 0x0a]) || (head.startsWith('\u0000\u0000\u0000\u000cJXL '))) return 'JPEG XL';
  return undefined;
}
