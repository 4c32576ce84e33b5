import type { RgbImage } from '@pertouch/imaging';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { CliError, firstLine, messageOf } from './errors.js';
import { iccDescription, isSrgbProfile, srgbProfile } from './icc-profile.js';
import { SIXTEEN_BIT_FORMATS, type OutputFormat } from './output-format.js';
import { withPngIccProfile } from './png-iccp.js';
import { readInputFile } from './read-file.js';
import { decodeError, inputOptions, readHeader } from './sharp-input.js';

export interface DecodedImage {
  readonly image: RgbImage;
  /** The description of the embedded ICC profile that was converted to sRGB; undefined for sRGB or untagged input. */
  readonly convertedFrom: string | undefined;
}

/** A Uint16Array over raw 16-bit samples (native byte order), copied only if misaligned. */
function uint16Of(buf: Buffer): Uint16Array {
  if (buf.byteOffset % 2 === 0) return new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2);
  return new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

/**
 * Decodes a photo into interleaved sRGB, the way a careful photo tool does:
 *
 * - EXIF orientation is applied (the pixels come out upright; outputs carry no EXIF).
 * - Embedded ICC profiles are converted to sRGB. 8-bit: sharp does this by default
 *   for raw output. 16-bit: sharp converts to Display P3 by default (its 16-bit working
 *   space), so we ask for sRGB explicitly (profile → P3 → sRGB: on an Adobe RGB photo
 *   within 0.7/255 on average of sharp's direct 8-bit transform); an sRGB-tagged
 *   16-bit file is read as is (exact, no round trip through P3). Untagged images are
 *   taken to be sRGB.
 * - Alpha is dropped (`removeAlpha`), not flattened onto a colour: the colour under
 *   transparent pixels is kept, and no background the user did not choose is invented.
 * - Greyscale is expanded to 3 channels.
 * - 16-bit sources stay 16-bit (Uint16Array); everything else is 8-bit (Uint8Array).
 * - Files over the pixel limit are refused from their header, before decoding.
 */
export async function decodeImage(path: string, maxPixels: number): Promise<DecodedImage> {
  const input = await readInputFile(path, 'image');
  const meta = await readHeader(input, path, 'image', maxPixels);
  const sixteen = meta.depth !== 'uchar' && meta.depth !== 'char';
  const grey = meta.channels <= 2;
  // Grey 16-bit: sharp does not colour-manage it; a grey profile is a tone curve only.
  const keepAsIs = sixteen && (grey || isSrgbProfile(meta.icc));
  let pipeline = sharp(input, { ...inputOptions(maxPixels), autoOrient: true, ignoreIcc: keepAsIs })
    .removeAlpha()
    .toColourspace(sixteen ? 'rgb16' : 'srgb');
  if (sixteen && meta.hasProfile && !keepAsIs) pipeline = pipeline.withIccProfile('srgb');
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await pipeline.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeError(error, path, 'image');
  }
  const { width, height, channels } = raw.info;
  if (channels !== 3) throw new CliError('image.unsupported_format', `${path}: decoded to ${channels} channels, expected RGB`);
  const data = sixteen ? uint16Of(raw.data) : new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length);
  const convertedFrom = meta.icc && !keepAsIs && !isSrgbProfile(meta.icc) ? (iccDescription(meta.icc) ?? 'embedded profile') : undefined;
  return { image: { width, height, data }, convertedFrom };
}

export interface EncodeOptions {
  readonly format: OutputFormat;
  /** For the lossy formats (JPEG, WebP, AVIF). */
  readonly quality: number;
}

/** Rounds 16-bit samples to 8 bits (v / 257, to nearest). */
function to8Bit(data: Uint16Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] + 128) / 257;
  return out;
}

function withFormat(pipeline: Sharp, { format, quality }: EncodeOptions): Sharp {
  switch (format) {
    case 'jpeg':
      return pipeline.jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0' });
    case 'webp':
      return pipeline.webp({ quality });
    case 'avif':
      return pipeline.avif({ quality });
    case 'png':
      return pipeline.png();
    case 'tiff':
      // sharp's TIFF default is JPEG compression, which is 8-bit only and lossy.
      return pipeline.tiff({ compression: 'deflate', predictor: 'horizontal' });
  }
}

/** 16-bit PNG or TIFF, tagged sRGB without any colour transform (see png-iccp.ts). */
async function encode16(image: RgbImage & { data: Uint16Array }, format: OutputFormat): Promise<Buffer> {
  const raw = { raw: { width: image.width, height: image.height, channels: 3 as const } };
  const profile = await srgbProfile();
  if (format === 'png') {
    const png = await sharp(image.data, raw).toColourspace('rgb16').png().toBuffer();
    return withPngIccProfile(png, profile);
  }
  // TIFF: go through a tagged PNG, then keep its profile (keepIccProfile skips every transform).
  const png = await sharp(image.data, raw).toColourspace('rgb16').png({ compressionLevel: 1 }).toBuffer();
  return withFormat(sharp(withPngIccProfile(png, profile), { limitInputPixels: false }).keepIccProfile().toColourspace('rgb16'), { format, quality: 100 }).toBuffer();
}

/**
 * Encodes an image: 16 bits per sample for PNG and TIFF when the image is 16-bit,
 * 8 bits otherwise; every output carries an sRGB ICC profile and no other metadata.
 */
export async function encodeImage(image: RgbImage, options: EncodeOptions): Promise<Buffer> {
  try {
    if (image.data instanceof Uint16Array && SIXTEEN_BIT_FORMATS.has(options.format)) {
      return await encode16(image as RgbImage & { data: Uint16Array }, options.format);
    }
    const data = image.data instanceof Uint16Array ? to8Bit(image.data) : image.data;
    const pipeline = sharp(data, { raw: { width: image.width, height: image.height, channels: 3 } }).withIccProfile('srgb');
    return await withFormat(pipeline, options).toBuffer();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError('output.encode_failed', `cannot encode ${options.format.toUpperCase()}: ${firstLine(messageOf(error))}`);
  }
}
