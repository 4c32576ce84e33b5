import sharp from 'sharp';

/**
 * A one-byte-a-pixel raster (a label raster: value = region id; or a mask: 0..255)
 * as an 8-bit greyscale PNG, lossless: decoding it gives back exactly the same bytes.
 */
export async function encodeGreyPng(width: number, height: number, data: Uint8Array): Promise<Buffer> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`raster size must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height) throw new RangeError(`raster of ${width}×${height} needs ${width * height} bytes, got ${data.length}`);
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.length), { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 6, palette: false })
    .toBuffer();
}

/** Decodes an 8-bit greyscale PNG (as written by encodeGreyPng) back to its raster. */
export async function decodeGreyPng(png: Buffer): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
