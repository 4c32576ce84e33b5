/**
 * Per-region raw attribute scores of an image (design.md §3).
 *
 * Scores are measured on whatever FloatRgbImage is passed in; to make them comparable
 * across resolutions, pass the image (and labels) at the working size (resample.ts).
 */
import type { AttributeRecord, FloatRgbImage } from '../image.js';
import { assertShape } from '../image.js';
import { scoresFromStats } from './formulas.js';
import { emptyStats, type RegionStats } from './stats.js';
import { Scratch, kernels } from '../wasm/kernels.js';

const LABELS = 256;

/**
 * Sufficient statistics of every region id present in `labels`, in one pass over the
 * pixels. Contrast pairs follow the 4-shift definition without wrap-around: each pixel
 * is compared with its right and lower neighbour; a same-label pair is seen by two
 * shifts, so it adds twice its squared difference and 2 to `pairs`.
 *
 * The map holds only ids with at least one pixel, in ascending id order.
 */
export function regionStats(image: FloatRgbImage, labels: Uint8Array): Map<number, RegionStats> {
  const { width, height, data } = image;
  assertShape(width, height, data.length, 3, 'regionStats: image');
  assertShape(width, height, labels.length, 1, 'regionStats: labels');

  // Per-label sums on the WebAssembly kernels (regionSums), a band of rows at a time
  // (about 1 MiB of samples, and the next row for the lower neighbours).
  const rows = Math.max(1, Math.min(height, Math.floor(65536 / width)));
  const scratch = new Scratch(kernels());
  const at = { data: scratch.take(12 * width * (rows + 1)), labels: scratch.take(width * (rows + 1)), sums: scratch.take(10 * LABELS * 8) };
  const k = scratch.commit();
  k.f64.fill(0, at.sums >> 3, (at.sums >> 3) + 10 * LABELS);
  for (let y = 0; y < height; y += rows) {
    const y1 = Math.min(height, y + rows), next = y1 < height;
    const end = next ? y1 + 1 : y1;
    k.f32.set(data.subarray(3 * width * y, 3 * width * end), at.data >> 2);
    k.u8.set(labels.subarray(width * y, width * end), at.labels);
    k.k.regionSums(at.data, at.labels, width, y1 - y, next ? 1 : 0, at.sums);
  }
  const f = at.sums >> 3, sums = k.f64;
  const out = new Map<number, RegionStats>();
  for (let l = 0; l < LABELS; l++) {
    const n = sums[f + l];
    if (n === 0) continue;
    const field = (i: number) => sums[f + i * LABELS + l];
    out.set(l, {
      n,
      sumR: field(1),
      sumG: field(2),
      sumB: field(3),
      sumRg: field(4),
      sumRg2: field(5),
      sumYb: field(6),
      sumYb2: field(7),
      sumDiff: field(8),
      pairs: field(9),
    });
  }
  return out;
}

/** Raw scores of every region id present in `labels` (absent ids are absent, never NaN). */
export function scoreRegions(image: FloatRgbImage, labels: Uint8Array): Map<number, AttributeRecord> {
  const out = new Map<number, AttributeRecord>();
  for (const [id, stats] of regionStats(image, labels)) {
    const scores = scoresFromStats(stats);
    if (scores) out.set(id, scores);
  }
  return out;
}

/**
 * Sufficient statistics of the pixels where `mask` is non-zero (same width × height as
 * the image): the region-statistics pass over a two-label raster.
 */
export function maskStats(image: FloatRgbImage, mask: Uint8Array): RegionStats {
  const labels = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) labels[i] = mask[i] === 0 ? 0 : 1;
  return regionStats(image, labels).get(1) ?? emptyStats();
}

/** Raw scores of the pixels where `mask` is nonzero; undefined when the mask is empty. */
export function scoreMask(image: FloatRgbImage, mask: Uint8Array): AttributeRecord | undefined {
  return scoresFromStats(maskStats(image, mask));
}

/** Raw scores of the whole image as one region. */
export function scoreImage(image: FloatRgbImage): AttributeRecord {
  // One label everywhere; regionStats validates the shape (≥ 1 pixel), so region 0 exists.
  const stats = regionStats(image, new Uint8Array(image.width * image.height)).get(0);
  const scores = stats && scoresFromStats(stats);
  if (!scores) throw new RangeError('scoreImage: image has no pixels');
  return scores;
}
