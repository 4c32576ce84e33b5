/**
 * Test fixtures: real sample photos (samples/, see samples/LICENSES.md) decoded with
 * sharp. Test-only: excluded from the library build, which has no I/O.
 */
import path from 'node:path';
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';
import type { RgbImage, Segmentation } from '../image.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A sample photo as 8-bit sRGB RGB, downscaled so that its long side is `longSide` px. */
export async function loadSample(name: string, longSide = 768): Promise<RgbImage> {
  const { data, info } = await sharp(path.join(REPO_ROOT, 'samples', name))
    .autoOrient()
    .resize(longSide, longSide, { fit: 'inside' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${name}: expected 3 channels, got ${info.channels}`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** The two-region mask shipped for a sample photo (samples/masks/, ids 0 and 1). */
export async function loadSampleMask(name: string): Promise<Segmentation> {
  const file = path.join(REPO_ROOT, 'samples', 'masks', name.replace(/\.[^.]+$/, '.png'));
  const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, labels: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
