import { extname } from 'node:path';
import { CliError } from './errors.js';

export type OutputFormat = 'jpeg' | 'png' | 'webp' | 'tiff' | 'avif';

const BY_EXTENSION: Readonly<Record<string, OutputFormat>> = {
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.png': 'png',
  '.webp': 'webp',
  '.tif': 'tiff',
  '.tiff': 'tiff',
  '.avif': 'avif',
};

/** Formats that can hold 16 bits per sample; the others are written at 8 bits. */
export const SIXTEEN_BIT_FORMATS: ReadonlySet<OutputFormat> = new Set(['png', 'tiff']);

/** Lossy formats: the ones `--quality` applies to. */
export const LOSSY_FORMATS: ReadonlySet<OutputFormat> = new Set(['jpeg', 'webp', 'avif']);

export const DEFAULT_QUALITY = 90;

/** The output format named by a path's extension (case-insensitive). */
export function outputFormatOf(path: string): OutputFormat {
  const ext = extname(path).toLowerCase();
  const format = BY_EXTENSION[ext];
  if (!format) {
    const known = Object.keys(BY_EXTENSION).join(', ');
    throw new CliError('output.unsupported_format', `${path}: cannot tell the output format from ${ext === '' ? 'a name without extension' : `"${ext}"`} (use one of ${known})`);
  }
  return format;
}

/** Parses `--quality`: an integer 1..100. */
export function parseQuality(value: string | undefined): number {
  if (value === undefined) return DEFAULT_QUALITY;
  const q = Number(value);
  if (!Number.isInteger(q) || q < 1 || q > 100) throw new CliError('usage.invalid_quality', `--quality must be an integer from 1 to 100, got ${JSON.stringify(value)}`);
  return q;
}
