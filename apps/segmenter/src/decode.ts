import type { RgbImage } from '@pertouch/imaging';
import sharp, { type Metadata, type OutputInfo, type SharpOptions } from 'sharp';
import { SegmenterError, firstLine, messageOf } from './errors.js';

/** The CLI's default (apps/cli config.ts): about 110 MP. */
export const DEFAULT_MAX_PIXELS = 110_000_000;

/**
 * Untrusted input: refuse corrupt or truncated pixel data ('error', not sharp's
 * 'warning', which would also refuse harmless camera-JPEG warnings) and anything over
 * the pixel limit.
 */
function inputOptions(maxPixels: number | false): SharpOptions {
  return { failOn: 'error', limitInputPixels: maxPixels };
}

function decodeFailure(error: unknown): SegmenterError {
  const message = firstLine(messageOf(error));
  if (/exceeds pixel limit/i.test(message)) return new SegmenterError('image_too_large', message);
  if (/unsupported image format/i.test(message)) {
    return new SegmenterError('invalid_image', 'not an image in a format the segmenter reads (JPEG, PNG, WebP, TIFF, AVIF/HEIF, GIF)');
  }
  return new SegmenterError('invalid_image', `cannot decode the image (${message})`);
}

/**
 * Decodes image bytes into upright 8-bit sRGB, which is what segmentation engines see:
 *
 * - the header is read first and images over `maxPixels` are refused before a single
 *   pixel is decoded (decompression bombs) — code `image_too_large`;
 * - EXIF orientation is applied, so prompt coordinates refer to the upright image;
 * - embedded ICC profiles are converted to sRGB (untagged images are taken as sRGB);
 * - alpha is dropped, greyscale expanded to RGB, 16-bit reduced to 8-bit (segmentation
 *   gains nothing from 16 bits and the engines' working size is small anyway);
 * - multi-page files (GIF, TIFF) give their first page;
 * - anything undecodable (corrupt, truncated, not an image) — code `invalid_image`.
 */
export async function decodeImage(bytes: Buffer, maxPixels: number): Promise<RgbImage> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, inputOptions(false)).metadata();
  } catch (error) {
    throw decodeFailure(error);
  }
  if (!meta.width || !meta.height) throw new SegmenterError('invalid_image', 'the image has no size');
  const pixels = meta.width * meta.height;
  if (pixels > maxPixels) {
    throw new SegmenterError('image_too_large', `${meta.width}×${meta.height} = ${pixels} pixels, over the limit of ${maxPixels} (PERTOUCH_MAX_PIXELS)`);
  }
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(bytes, { ...inputOptions(maxPixels), autoOrient: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeFailure(error);
  }
  const { width, height, channels } = raw.info;
  if (channels !== 3) throw new SegmenterError('invalid_image', `decoded to ${channels} channels, expected RGB`);
  return { width, height, data: new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length) };
}
