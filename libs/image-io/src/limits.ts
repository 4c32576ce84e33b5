/** The CLI's and services' default pixel limit (PERTOUCH_MAX_PIXELS): about 110 MP. */
export const DEFAULT_MAX_PIXELS = 110_000_000;

export interface ImageLimits {
  /** Largest accepted width × height; checked from the header, before decoding. */
  readonly maxPixels: number;
}

export function assertLimits(limits: ImageLimits): void {
  if (!Number.isInteger(limits.maxPixels) || limits.maxPixels < 1) throw new RangeError(`maxPixels must be a positive integer, got ${limits.maxPixels}`);
}
