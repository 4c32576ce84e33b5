/**
 * Real sample photos (samples/, see samples/LICENSES.md) decoded with sharp and segmented
 * by the embedded engine, for the descriptor's tests. Test-only: excluded from the build.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { RgbImage } from '@pertouch/imaging';
import { createEmbeddedEngine } from '@pertouch/segmentation';
import type { LabelledRegions } from '../descriptor/describe-scene.js';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../samples');

export interface SampleCrop {
  /** Share of width and height kept around the centre (1 = the whole photo). */
  readonly keep?: number;
  readonly longSide?: number;
}

/** A sample photo as 8-bit sRGB, optionally centre-cropped, scaled so that its long side is `longSide`. */
export async function loadSample(name: string, { keep = 1, longSide = 512 }: SampleCrop = {}): Promise<RgbImage> {
  const file = path.join(SAMPLES, name);
  const oriented = await sharp(file).autoOrient().toBuffer({ resolveWithObject: true });
  const { width, height } = oriented.info;
  const w = Math.round(width * keep);
  const h = Math.round(height * keep);
  const { data, info } = await sharp(oriented.data)
    .extract({ left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h })
    .resize(longSide, longSide, { fit: 'inside' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${name}: expected 3 channels, got ${info.channels}`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

const engine = createEmbeddedEngine();

/** The embedded segmentation engine's regions for an image (no optional models). */
export async function segment(image: RgbImage): Promise<LabelledRegions> {
  const seg = await engine.segmentAuto(image);
  return { width: seg.width, height: seg.height, labels: seg.labels, regions: seg.regions };
}
