import { assertSameAspect, type Segmentation } from '@pertouch/imaging';
import sharp from 'sharp';
import { CliError } from './errors.js';
import { readInputFile } from './read-file.js';
import { decodeError, inputOptions, readHeader } from './sharp-input.js';

/**
 * Reads a label map: a greyscale PNG whose sample values are region ids (0..255).
 *
 * - Greyscale only: 1 channel, or 2 (grey + alpha; the alpha is ignored). RGB(A) and
 *   palette PNGs are refused: their colours are not ids.
 * - 8- or 16-bit; a 16-bit PNG must hold values ≤ 255.
 * - No colour management (ids are numbers, not tones); EXIF orientation is applied, as
 *   it is to the photo.
 */
export async function readSegmentation(path: string, maxPixels: number): Promise<Segmentation> {
  const input = await readInputFile(path, 'segmentation');
  const meta = await readHeader(input, path, 'segmentation', maxPixels);
  if (meta.format !== 'png') {
    throw new CliError('segmentation.not_png', `${path}: a segmentation must be a greyscale PNG of region ids (got ${meta.format})`);
  }
  if (meta.isPalette || meta.channels > 2) {
    const kind = meta.isPalette ? 'a palette (indexed-colour)' : meta.hasAlpha ? 'an RGBA' : 'an RGB';
    throw new CliError('segmentation.not_greyscale', `${path}: is ${kind} PNG; a segmentation must be a single-channel greyscale PNG of region ids 0..255`);
  }
  const sixteen = meta.depth === 'ushort';
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    raw = await sharp(input, { ...inputOptions(maxPixels), autoOrient: true, ignoreIcc: true })
      .removeAlpha()
      .toColourspace(sixteen ? 'grey16' : 'b-w')
      .raw({ depth: sixteen ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeError(error, path, 'segmentation');
  }
  const { width, height, channels } = raw.info;
  if (channels !== 1) throw new CliError('segmentation.not_greyscale', `${path}: decoded to ${channels} channels, expected 1`);
  return { width, height, labels: sixteen ? labelsFrom16(raw.data, width, path) : new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length) };
}

/** 16-bit samples (native byte order) to ids, refusing any value over 255. */
function labelsFrom16(buf: Buffer, width: number, path: string): Uint8Array {
  const samples = new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const labels = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (v > 255) {
      throw new CliError('segmentation.id_out_of_range', `${path}: pixel (${i % width}, ${Math.floor(i / width)}) holds ${v}; region ids must be 0..255`);
    }
    labels[i] = v;
  }
  return labels;
}

/** The region ids present in a segmentation. */
export function regionIdsOf(segmentation: Segmentation): Set<number> {
  const seen = new Uint8Array(256);
  for (const id of segmentation.labels) seen[id] = 1;
  const ids = new Set<number>();
  for (let id = 0; id < 256; id++) if (seen[id]) ids.add(id);
  return ids;
}

/** Refuses a segmentation whose aspect ratio differs from the image's (the library would throw a RangeError). */
export function checkSegmentationFits(image: { width: number; height: number }, segmentation: Segmentation, path: string): void {
  try {
    assertSameAspect(image, segmentation);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new CliError('segmentation.aspect_mismatch', `${path}: ${error.message} (after EXIF orientation); it must match the image, at any scale`);
    }
    throw error;
  }
}
