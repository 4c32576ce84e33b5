import sharp, { type Metadata } from 'sharp';
import { ImageIoError } from './errors.js';
import { INPUT_FORMATS, sniffFormat, sniffRefusedFormat, type InputFormat } from './formats.js';
import { assertLimits, type ImageLimits } from './limits.js';
import { imageIoErrorOf } from './sharp-failure.js';

export interface ImageProbe {
  readonly format: InputFormat;
  /** Upright size: after EXIF orientation (5–8 swap width and height). */
  readonly width: number;
  readonly height: number;
  /** EXIF orientation 1–8 (1 when absent). */
  readonly orientation: number;
  /** Whether an ICC profile is embedded (decodeRgb converts it to sRGB). */
  readonly hasIcc: boolean;
  /** Bits per sample as stored: 8, 16, 10/12 for some AVIF/HEIF, 1–4 for some PNGs. */
  readonly bitDepth: number;
  /** Pages or frames (multi-page TIFF, HEIF collections); decodeRgb reads the first. */
  readonly pages: number;
}

/** sharp's name for each accepted format: AVIF is a HEIF file to libheif. */
const SHARP_FORMAT: Readonly<Record<InputFormat, string>> = { jpeg: 'jpeg', png: 'png', webp: 'webp', tiff: 'tiff', avif: 'heif', heif: 'heif' };

const DEPTH_BITS: Readonly<Record<string, number>> = { uchar: 8, char: 8, ushort: 16, short: 16, uint: 32, int: 32, float: 32, double: 64 };

function refuseUnsupported(bytes: Uint8Array): never {
  if (bytes.length === 0) throw new ImageIoError('invalid_image', 'the image is empty (0 bytes)');
  const known = sniffRefusedFormat(bytes);
  const accepted = INPUT_FORMATS.map((f) => f.toUpperCase()).join(', ');
  throw new ImageIoError('unsupported_format', `${known ? `${known} is not accepted` : 'not an image in an accepted format'} (accepted: ${accepted})`);
}

/**
 * What untrusted image bytes are, from their header only — no pixel is decoded, so it
 * is cheap on any file, including a decompression bomb (a PNG header claiming
 * 100 000 × 100 000 pixels is refused in about a millisecond):
 *
 * - the format is sniffed from magic numbers; not an accepted one → `unsupported_format`;
 * - an unreadable header, or one sharp reads as another format → `invalid_image`;
 * - width × height over `limits.maxPixels` → `image_too_large`.
 */
export async function probeImage(bytes: Uint8Array, limits: ImageLimits): Promise<ImageProbe> {
  assertLimits(limits);
  const format = sniffFormat(bytes);
  if (!format) refuseUnsupported(bytes);
  let meta: Metadata;
  try {
    // No pixel limit here: the header is all that is read, and the check below gives a clearer message.
    meta = await sharp(bytes, { failOn: 'error', limitInputPixels: false }).metadata();
  } catch (error) {
    throw imageIoErrorOf(error);
  }
  if (meta.format !== SHARP_FORMAT[format]) {
    throw new ImageIoError('invalid_image', `the bytes start like ${format.toUpperCase()} but decode as ${String(meta.format)}`);
  }
  if (!(meta.width > 0) || !(meta.height > 0)) throw new ImageIoError('invalid_image', 'the image has no size');
  const pixels = meta.width * meta.height;
  if (pixels > limits.maxPixels) {
    throw new ImageIoError('image_too_large', `${meta.width}×${meta.height} = ${pixels} pixels, over the limit of ${limits.maxPixels}`);
  }
  const orientation = Number.isInteger(meta.orientation) && meta.orientation! >= 1 && meta.orientation! <= 8 ? meta.orientation! : 1;
  return {
    format,
    width: meta.autoOrient?.width ?? meta.width,
    height: meta.autoOrient?.height ?? meta.height,
    orientation,
    hasIcc: meta.hasProfile,
    bitDepth: meta.bitsPerSample ?? DEPTH_BITS[meta.depth] ?? 8,
    pages: meta.pages ?? 1,
  };
}
