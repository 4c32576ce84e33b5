import { PREVIEW_JPEG_QUALITY, previewSize, type OutputOptions } from '@pertouch/contracts';
import { CONTENT_TYPES, ImageIoError, decodeGreyPng, decodeRgb, encodeImage } from '@pertouch/image-io';
import { downsampleArea, type RgbImage, type Segmentation } from '@pertouch/imaging';
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

/**
 * The small JPEG a VLM looks at (contracts' PREVIEW_LONG_SIDE): exactly
 * `previewSize(width, height)`, quality PREVIEW_JPEG_QUALITY, tagged sRGB like the
 * outputs. Shrunk by libs/imaging's area average (alias-free; previews never enlarge),
 * which also brings 16-bit samples to the 0..255 scale — so no sharp dependency here.
 */
export async function encodePreview(image: RgbImage): Promise<{ bytes: Buffer; width: number; height: number }> {
  const { width, height } = previewSize(image.width, image.height);
  const small = downsampleArea(image, width, height);
  // Clamped rounding (a plain Uint8Array would wrap a 255.0001 to 0).
  const data = Uint8ClampedArray.from(small.data);
  const bytes = await encodeImage({ width, height, data: new Uint8Array(data.buffer) }, { format: 'jpeg', quality: PREVIEW_JPEG_QUALITY });
  return { bytes, width, height };
}
