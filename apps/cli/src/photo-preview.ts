/**
 * `pertouch parse --photo`: the photo as the service's VLM sees it — upright, scaled to
 * fit PREVIEW_LONG_SIDE (never enlarged), JPEG — plus the upright size of the photo
 * itself, so boxes drawn on the preview can be given in the photo's pixels.
 */
import { PREVIEW_JPEG_QUALITY, PREVIEW_LONG_SIDE } from '@pertouch/contracts';
import sharp from 'sharp';
import { readInputFile } from './read-file.js';
import { decodeError, inputOptions, readHeader } from './sharp-input.js';

export interface PhotoPreview {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  /** The photo's upright size. */
  readonly photo: { readonly width: number; readonly height: number };
}

export async function photoPreview(path: string, maxPixels: number): Promise<PhotoPreview> {
  const input = await readInputFile(path, 'photo');
  const meta = await readHeader(input, path, 'photo', maxPixels);
  // EXIF orientations 5–8 turn the picture a quarter: width and height swap.
  const turned = (meta.orientation ?? 1) >= 5;
  const photo = { width: turned ? meta.height! : meta.width!, height: turned ? meta.width! : meta.height! };
  try {
    const { data, info } = await sharp(input, { ...inputOptions(maxPixels), autoOrient: true })
      .resize({ width: PREVIEW_LONG_SIDE, height: PREVIEW_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: PREVIEW_JPEG_QUALITY })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, photo };
  } catch (error) {
    throw decodeError(error, path, 'photo');
  }
}
