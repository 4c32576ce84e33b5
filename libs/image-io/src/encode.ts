import type { OutputOptions } from '@pertouch/contracts';
import sharp, { type Sharp } from 'sharp';

export type OutputFormat = OutputOptions['format'];

export interface EncodeOptions {
  readonly format: OutputFormat;
  /** 1–100, for the lossy formats (JPEG, WebP, AVIF); default 90. PNG and TIFF are lossless. */
  readonly quality?: number;
}

/** Pixels to encode: interleaved RGB, sRGB; 16-bit samples are rounded to 8 bits. */
export interface RgbInput {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint16Array;
}

export const DEFAULT_QUALITY = 90;

export const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  tiff: 'image/tiff',
};

/** Rounds 16-bit samples to 8 bits (v / 257, to nearest). */
function to8Bit(data: Uint16Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] + 128) / 257;
  return out;
}

function withFormat(pipeline: Sharp, format: OutputFormat, quality: number): Sharp {
  switch (format) {
    case 'jpeg':
      // Full-resolution chroma at high quality: retouched colour edges stay clean.
      return pipeline.jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0' });
    case 'webp':
      return pipeline.webp({ quality });
    case 'avif':
      return pipeline.avif({ quality });
    case 'png':
      return pipeline.png();
    case 'tiff':
      // sharp's TIFF default is JPEG compression, which is lossy.
      return pipeline.tiff({ compression: 'deflate', predictor: 'horizontal' });
  }
}

/**
 * Encodes RGB pixels (taken as sRGB) in an output format, 8 bits per sample, tagged with
 * an sRGB ICC profile and carrying no other metadata (no EXIF: the pixels are already
 * upright). A wrong-sized buffer or quality is a RangeError (a caller bug).
 */
export async function encodeImage(rgb: RgbInput, options: EncodeOptions): Promise<Buffer> {
  const { width, height, data } = rgb;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height * 3) throw new RangeError(`RGB image of ${width}×${height} needs ${width * height * 3} samples, got ${data.length}`);
  const quality = options.quality ?? DEFAULT_QUALITY;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new RangeError(`quality must be an integer from 1 to 100, got ${quality}`);
  if (!Object.hasOwn(CONTENT_TYPES, options.format)) throw new RangeError(`unknown output format ${JSON.stringify(options.format)}`);
  const bytes = data instanceof Uint16Array ? to8Bit(data) : data;
  const pipeline = sharp(bytes, { raw: { width, height, channels: 3 }, limitInputPixels: false }).withIccProfile('srgb');
  return withFormat(pipeline, options.format, quality).toBuffer();
}
