import { CliError } from './errors.js';

/**
 * Pixel limit for decoded images: 100 MP plus a 10 % margin, so that 102-MP
 * medium-format photos pass while decompression bombs (a tiny file declaring a
 * gigantic canvas) are refused before any pixel is decoded.
 */
export const DEFAULT_MAX_PIXELS = 110_000_000;

/** Settings taken from the environment. */
export interface CliConfig {
  /** PERTOUCH_MAX_PIXELS: the largest width × height accepted for any input image. */
  readonly maxPixels: number;
  /** PERTOUCH_CALIBRATION: a calibration table to use instead of the built-in one. */
  readonly calibrationPath: string | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

export function configFromEnv(env: Env): CliConfig {
  return {
    maxPixels: parseMaxPixels(env.PERTOUCH_MAX_PIXELS),
    calibrationPath: env.PERTOUCH_CALIBRATION || undefined,
  };
}

function parseMaxPixels(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_PIXELS;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new CliError('config.invalid_max_pixels', `PERTOUCH_MAX_PIXELS must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return n;
}
