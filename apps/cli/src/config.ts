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
  /** PERTOUCH_THREADS: threads for the full-resolution passes (default: one per CPU). */
  readonly threads: number | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

export function configFromEnv(env: Env): CliConfig {
  return {
    maxPixels: parseMaxPixels(env.PERTOUCH_MAX_PIXELS),
    calibrationPath: env.PERTOUCH_CALIBRATION || undefined,
    threads: parseThreads(env.PERTOUCH_THREADS),
  };
}

function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0 || n > 256) {
    throw new CliError('config.invalid_threads', `PERTOUCH_THREADS must be an integer in 1..256, got ${JSON.stringify(value)}`);
  }
  return n;
}

function parseMaxPixels(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_PIXELS;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new CliError('config.invalid_max_pixels', `PERTOUCH_MAX_PIXELS must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return n;
}
