/**
 * A 64-bit FNV-1a digest of an image's pixels and shape (two 32-bit lanes), used to key
 * in-process caches. Not cryptographic; services key storage by SHA-256 of the file.
 */
import type { RgbImage } from '@pertouch/imaging';

export function pixelDigest(image: RgbImage): string {
  let h1 = 0x811c9dc5 ^ image.width, h2 = 0x01000193 ^ image.height;
  const d = image.data;
  for (let i = 0; i < d.length; i++) {
    h1 = Math.imul(h1 ^ d[i], 0x01000193);
    h2 = Math.imul(h2 ^ d[i] ^ (i & 0xff), 0x01000193);
  }
  const bits = d instanceof Uint16Array ? 16 : 8;
  return `${image.width}x${image.height}x${bits}-${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}`;
}
