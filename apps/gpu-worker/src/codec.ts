import type { OutputOptions } from '@pertouch/contracts';
import { CONTENT_TYPES, ImageIoError, decodeGreyPng, decodeRgb, encodeImage } from '@pertouch/image-io';
import type { RgbImage, Segmentation } from '@pertouch/imaging';
import { RenderJobError, messageOf } from './errors.js';

/**
 * Decodes an original as the renderer needs it: upright (EXIF orientation applied),
 * sRGB, 8-bit — libs/image-io's decoding, the segmenter's too, so labels and pixels line
 * up. Not an image or corrupt → `invalid_image`, over the pixel limit → `image_too_large`.
 */
export async function decodeOriginal(bytes: Buffer, maxPixels: number): Promise<RgbImage> {
  try {
    return await decodeRgb(bytes, { maxPixels });
  } catch (error) {
    if (error instanceof ImageIoError) throw new RenderJobError(error.code === 'image_too_large' ? 'image_too_large' : 'invalid_image', error.message);
    throw error;
  }
}

/** The segmenter's label raster (8-bit grey PNG, pixel = region id); an unreadable one is `segmentation_failed`. */
export async function decodeLabels(bytes: Buffer, maxPixels: number): Promise<Segmentation> {
  try {
    const { width, height, data } = await decodeGreyPng(bytes, { maxPixels });
    return { width, height, labels: data };
  } catch (error) {
    if (error instanceof ImageIoError) throw new RenderJobError('segmentation_failed', `the label raster is not usable: ${messageOf(error)}`);
    throw error;
  }
}

/** The output in the job's format: 8-bit, tagged sRGB, no other metadata. */
export async function encodeOutput(image: RgbImage, output: OutputOptions): Promise<Buffer> {
  return encodeImage(image, { format: output.format, quality: output.quality });
}

export function contentTypeOf(format: OutputOptions['format']): string {
  return CONTENT_TYPES[format];
}
