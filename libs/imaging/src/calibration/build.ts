import { ATTRIBUTES, type Attribute, type AttributeRecord } from '../image.js';
import type { CalibrationTable } from './table.js';

/** One region's raw scores and its weight (its share of its photo's pixel area). */
export interface CalibrationSample {
  readonly scores: AttributeRecord;
  readonly weight: number;
}

/**
 * Weighted quantile at probability p: sample k sits at the middle of its weight
 * interval, (W_before + w_k / 2) / W_total (Hyndman & Fan 1996, definition 5, with
 * weights), and values in between are linearly interpolated.
 */
export function weightedQuantile(sorted: readonly number[], weights: readonly number[], p: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let before = 0;
  let prevPos = -Infinity;
  let prevValue = sorted[0];
  for (let k = 0; k < sorted.length; k++) {
    const pos = (before + weights[k] / 2) / total;
    if (p <= pos) {
      if (prevPos === -Infinity) return sorted[k];
      return prevValue + ((p - prevPos) / (pos - prevPos)) * (sorted[k] - prevValue);
    }
    before += weights[k];
    prevPos = pos;
    prevValue = sorted[k];
  }
  return sorted[sorted.length - 1];
}

/**
 * Builds the per-attribute quantile table from region samples (design.md §3): the
 * empirical distribution of raw scores over the corpus, each region weighted by its
 * pixel area so large regions weigh more. Ties are separated by a negligible step so
 * that the table is strictly increasing and Q has an inverse.
 */
export function buildCalibrationTable(
  samples: readonly CalibrationSample[],
  options: { version: string; points?: number; source?: Record<string, unknown> },
): CalibrationTable {
  const points = options.points ?? 1001;
  if (samples.length < 2) throw new RangeError('buildCalibrationTable: need at least 2 samples');
  const quantiles = {} as Record<Attribute, number[]>;
  for (const attr of ATTRIBUTES) {
    const order = samples.map((_, i) => i).sort((a, b) => samples[a].scores[attr] - samples[b].scores[attr]);
    const values = order.map((i) => samples[i].scores[attr]);
    const weights = order.map((i) => samples[i].weight);
    const span = Math.max(1e-9, values[values.length - 1] - values[0]);
    const step = span * 1e-9;
    const q: number[] = [];
    for (let i = 0; i < points; i++) {
      let v = weightedQuantile(values, weights, i / (points - 1));
      if (i > 0 && v <= q[i - 1]) v = q[i - 1] + step;
      q.push(v);
    }
    quantiles[attr] = q;
  }
  return { version: options.version, source: options.source, quantiles };
}
