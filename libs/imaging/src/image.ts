/**
 * Pixel containers shared by every module of the imaging core.
 *
 * Images are interleaved RGB (3 samples per pixel, row-major). The CLI and services
 * strip alpha and expand greyscale before anything reaches this library.
 */

/** Interleaved RGB; 8-bit (0..255) in a Uint8Array or 16-bit (0..65535) in a Uint16Array. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint16Array;
}

/**
 * Interleaved RGB as floats on the 0..255 scale: the scale on which PerTouch's
 * attribute scores are defined (design.md §3), whatever the source bit depth.
 */
export interface FloatRgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** A region raster: one region id (0..255) per pixel, row-major. */
export interface Segmentation {
  readonly width: number;
  readonly height: number;
  readonly labels: Uint8Array;
}

/** The four controllable attributes, in the parameter map's channel order. */
export const ATTRIBUTES = ['colorfulness', 'contrast', 'temperature', 'brightness'] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

/** One number per attribute (raw scores, or normalised values in [-1, 1]). */
export type AttributeRecord = Record<Attribute, number>;

/** Maximum sample value for a container: 255 for 8-bit, 65535 for 16-bit. */
export function maxValueOf(data: Uint8Array | Uint16Array): number {
  return data instanceof Uint16Array ? 65535 : 255;
}

/** Throws a RangeError unless `data` holds exactly width × height × channels samples. */
export function assertShape(width: number, height: number, length: number, channels: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`${what}: width and height must be positive integers (got ${width}×${height})`);
  }
  if (length !== width * height * channels) {
    throw new RangeError(`${what}: expected ${width * height * channels} samples for ${width}×${height}×${channels}, got ${length}`);
  }
}
