import sharp from 'sharp';

/** One byte a pixel → an 8-bit greyscale PNG (region ids or a 0/255 mask). */
export async function encodeGreyPng(data: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(data, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 6 }).toBuffer();
}
