import { crc32, deflateSync } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Inserts an iCCP chunk (the embedded ICC profile) right after IHDR, replacing any
 * iCCP or sRGB chunk already there. PNG requires iCCP before PLTE and IDAT.
 *
 * Why by hand: for 16-bit data sharp assumes Display P3 as the working space, so
 * `withIccProfile('srgb')` would convert our sRGB pixels as if they were P3.
 */
export function withPngIccProfile(png: Buffer, icc: Buffer, name = 'sRGB'): Buffer {
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('internal: not a PNG stream');
  }
  const parts: Buffer[] = [png.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (type !== 'iCCP' && type !== 'sRGB') parts.push(png.subarray(at, end));
    if (type === 'IHDR') {
      const data = Buffer.concat([Buffer.from(`${name}\0`, 'latin1'), Buffer.from([0]), deflateSync(icc)]);
      parts.push(chunk('iCCP', data));
    }
    at = end;
  }
  return Buffer.concat(parts);
}
