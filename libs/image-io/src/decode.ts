import sharp, { type OutputInfo } from 'sharp';
import { ImageIoError } from './errors.js';
import type { ImageLimits } from './limits.js';
import { probeImage } from './probe.js';
import { imageIoErrorOf } from './sharp-failure.js';

/** Interleaved 8-bit RGB, sRGB, upright: what the imaging and segmentation libraries take. */
export interface RgbPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Decodes untrusted image bytes into upright 8-bit sRGB:
 *
 * - probeImage first: the format must be an accepted one and the header's size within
 *   `limits.maxPixels`, before a single pixel is decoded (decompression bombs);
 * - EXIF orientation is applied, so coordinates refer to the upright image;
 * - embedded ICC profiles are converted to sRGB (untagged images are taken as sRGB);
 * - alpha is dropped (not flattened onto a colour nobody chose), greyscale expanded to
 *   RGB, 16-bit (and 10/12-bit) reduced to 8-bit;
 * - multi-page files give their first page;
 * - corrupt or truncated pixel data (a JPEG cut short included) is `invalid_image`:
 *   sharp runs with failOn 'error' (not 'warning', which would also refuse the harmless
 *   warnings many camera JPEGs trigger).
 */
export async function decodeRgb(bytes: Uint8Array, limits: ImageLimits): Promise<RgbPixels> {
  await probeImage(bytes, limits);
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(bytes, { failOn: 'error', limitInputPixels: limits.maxPixels, autoOrient: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw imageIoErrorOf(error);
  }
  const { width, height, channels } = raw.info;
  if (channels !== 3) throw new ImageIoError('invalid_image', `decoded to ${channels} channels, expected RGB`);
  return { width, height, data: new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length) };
}
