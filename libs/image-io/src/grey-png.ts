import sharp from 'sharp';
import { ImageIoError } from './errors.js';
import { DEFAULT_MAX_PIXELS, assertLimits, type ImageLimits } from './limits.js';
import { imageIoErrorOf } from './sharp-failure.js';
import { sniffFormat } from './formats.js';

/** One byte a pixel: a label raster (value = region id) or a mask (0..255). */
export interface GreyRaster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * A one-byte-a-pixel raster as an 8-bit greyscale PNG, lossless (no palette): decoding
 * it gives back exactly the same bytes.
 */
export async function encodeGreyPng(width: number, height: number, data: Uint8Array): Promise<Buffer> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`raster size must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height) throw new RangeError(`raster of ${width}×${height} needs ${width * height} bytes, got ${data.length}`);
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.length), { raw: { width, height, channels: 1 }, limitInputPixels: false })
    .toColourspace('b-w')
    .png({ compressionLevel: 6, palette: false })
    .toBuffer();
}

/**
 * Decodes a PNG raster (as written by encodeGreyPng) back to one byte a pixel: its first
 * channel. Not a PNG → `unsupported_format`; corrupt → `invalid_image`; over the pixel
 * limit (default DEFAULT_MAX_PIXELS) → `image_too_large`.
 */
export async function decodeGreyPng(png: Uint8Array, limits: ImageLimits = { maxPixels: DEFAULT_MAX_PIXELS }): Promise<GreyRaster> {
  assertLimits(limits);
  if (sniffFormat(png) !== 'png') throw new ImageIoError('unsupported_format', 'a raster must be a PNG');
  try {
    const { data, info } = await sharp(png, { failOn: 'error', limitInputPixels: limits.maxPixels })
      .extractChannel(0)
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    throw imageIoErrorOf(error);
  }
}
