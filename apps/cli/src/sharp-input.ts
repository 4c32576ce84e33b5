import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { CliError, firstLine, messageOf } from './errors.js';

/**
 * Input options for untrusted files: refuse truncated or corrupt pixel data
 * ('error' rather than sharp's 'warning', which would also refuse the harmless
 * warnings many camera JPEGs trigger) and anything over the pixel limit.
 */
export function inputOptions(maxPixels: number): SharpOptions {
  return { failOn: 'error', limitInputPixels: maxPixels };
}

/** A sharp/libvips failure on an input file as a CliError (`<what>.unsupported_format` / `.corrupt`). */
export function decodeError(error: unknown, path: string, what: string): CliError {
  const message = firstLine(messageOf(error));
  if (/unsupported image format/i.test(message)) {
    return new CliError(`${what}.unsupported_format`, `${path}: not an image in a format pertouch reads (JPEG, PNG, WebP, TIFF, AVIF/HEIF, GIF)`);
  }
  if (/exceeds pixel limit/i.test(message)) return new CliError(`${what}.too_large`, `${path}: ${message}`);
  return new CliError(`${what}.corrupt`, `${path}: cannot decode (${message})`);
}

/**
 * Reads an input's header only, and refuses it when its declared size is over the
 * pixel limit, before a single pixel is decoded (decompression bombs).
 */
export async function readHeader(input: Buffer, path: string, what: string, maxPixels: number): Promise<Metadata> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { ...inputOptions(maxPixels), limitInputPixels: false }).metadata();
  } catch (error) {
    throw decodeError(error, path, what);
  }
  const pixels = meta.width * meta.height;
  if (pixels > maxPixels) {
    throw new CliError(`${what}.too_large`, `${path}: ${meta.width}×${meta.height} = ${pixels} pixels, over the limit of ${maxPixels} (PERTOUCH_MAX_PIXELS)`);
  }
  return meta;
}
