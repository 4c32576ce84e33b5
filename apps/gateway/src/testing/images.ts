/** Test images made with sharp (and one PNG header made by hand). */
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

/** A noisy RGB image (noise compresses badly, so a cut anywhere lands in pixel data). */
export function noise(width: number, height: number): Sharp {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });
}

export const encoders = {
  jpeg: (width = 64, height = 48) => noise(width, height).jpeg().toBuffer(),
  png: (width = 64, height = 48) => noise(width, height).png().toBuffer(),
  webp: (width = 64, height = 48) => noise(width, height).webp().toBuffer(),
  tiff: (width = 64, height = 48) => noise(width, height).tiff().toBuffer(),
  avif: (width = 64, height = 48) => noise(width, height).avif().toBuffer(),
} as const;

/** A JPEG stored 64 × 32 with EXIF orientation 6 (rotate 90°): upright it is 32 × 64. */
export function rotatedJpeg(): Promise<Buffer> {
  return noise(64, 32).jpeg().withMetadata({ orientation: 6 }).toBuffer();
}

export function gif(): Promise<Buffer> {
  return noise(16, 16).gif().toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header declaring width × height (RGB, 8 bit) with a token IDAT: a decompression bomb's shape, without the bomb. */
export function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}
