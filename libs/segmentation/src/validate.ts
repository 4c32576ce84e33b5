/**
 * Input checks shared by both engines' entry points. Every failure is a
 * SegmentationError with a stable code.
 */
import type { RgbImage } from '@pertouch/imaging';
import { SegmentationError } from './errors.js';

/** Throws 'invalid_image' unless `image` is a non-empty interleaved RGB raster of the stated size. */
export function assertRgbImage(image: RgbImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new SegmentationError('invalid_image', `image size must be positive integers (got ${width}×${height})`);
  }
  if (!(data instanceof Uint8Array || data instanceof Uint16Array) || data.length !== width * height * 3) {
    throw new SegmentationError('invalid_image', `image data must hold ${width * height * 3} RGB samples (Uint8Array or Uint16Array)`);
  }
}

/** Throws 'invalid_prompt' for NaN/Infinity and 'prompt_outside_image' unless 0 ≤ x < width and 0 ≤ y < height. */
export function assertPointInside(x: number, y: number, width: number, height: number): void {
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new SegmentationError('invalid_prompt', `point coordinates must be finite numbers (got ${x}, ${y})`);
  if (x < 0 || y < 0 || x >= width || y >= height) {
    throw new SegmentationError('prompt_outside_image', `point (${x}, ${y}) is outside the ${width}×${height} image`);
  }
}
