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

  // Per-label sums in flat typed arrays: no Map lookup or object access per pixel.
  const n = new Float64Array(LABELS);
  const sR = new Float64Array(LABELS);
  const sG = new Float64Array(LABELS);
  const sB = new Float64Array(LABELS);
  const sRg = new Float64Array(LABELS);
  const sRg2 = new Float64Array(LABELS);
  const sYb = new Float64Array(LABELS);
  const sYb2 = new Float64Array(LABELS);
  const sDiff = new Float64Array(LABELS);
  const pairs = new Float64Array(LABELS);

  for (let y = 0; y < height; y++) {
    const row = y * width;
    const hasDown = y + 1 < height;
    for (let x = 0; x < width; x++) {
      const p = row + x;
      const l = labels[p];
      const o = p * 3;
      const r = data[o];
      const g = data[o + 1];
      const b = data[o + 2];
      const rg = Math.abs(r - g);
      const yb = Math.abs(0.5 * (r + g) - b);
      n[l] += 1;
      sR[l] += r;
      sG[l] += g;
      sB[l] += b;
      sRg[l] += rg;
      sRg2[l] += rg * rg;
      sYb[l] += yb;
      sYb2[l] += yb * yb;
      if (x + 1 < width && labels[p + 1] === l) {
        const dr = r - data[o + 3];
        const dg = g - data[o + 4];
        const db = b - data[o + 5];
        sDiff[l] += 2 * (dr * dr + dg * dg + db * db);
        pairs[l] += 2;
      }
      if (hasDown && labels[p + width] === l) {
        const q = o + width * 3;
        const dr = r - data[q];
        const dg = g - data[q + 1];
        const db = b - data[q + 2];
        sDiff[l] += 2 * (dr * dr + dg * dg + db * db);
        pairs[l] += 2;
      }
    }
  }

  const out = new Map<number, RegionStats>();
  for (let l = 0; l < LABELS; l++) {
    if (n[l] === 0) continue;
    out.set(l, {
      n: n[l],
      sumR: sR[l],
      sumG: sG[l],
      sumB: sB[l],
      sumRg: sRg[l],
      sumRg2: sRg2[l],
      sumYb: sYb[l],
      sumYb2: sYb2[l],
      sumDiff: sDiff[l],
      pairs: pairs[l],
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
