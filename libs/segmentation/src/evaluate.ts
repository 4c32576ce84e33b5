/**
 * Measures of a segmentation against hand-made references (samples/segmentation/):
 * used by the fixture test and by `npm run bench -- segmentation`, defined once here.
 */
import type { LabelledSegmentation } from './types.js';
import { labelMatches } from './vocabulary.js';

/** A region a person expects: label alternatives ("a|b") and a box in fractions of the image. */
export interface LabelExpectation {
  readonly label: string;
  readonly box: readonly [number, number, number, number];
}

export interface ExpectationResult {
  readonly label: string;
  /** Share of the box's pixels in regions answering one of the alternatives. */
  readonly share: number;
  readonly ok: boolean;
  /** The label holding most of the box (what the engine said instead). */
  readonly found: string | undefined;
}

/** Holds when at least half the box lies in regions that answer one of the alternatives. */
export function checkExpectation(seg: LabelledSegmentation, expectation: LabelExpectation): ExpectationResult {
  const alternatives = expectation.label.split('|');
  const labelOf = new Map(seg.regions.map((r) => [r.id, r.label]));
  const [fx0, fy0, fx1, fy1] = expectation.box;
  const x0 = Math.floor(fx0 * seg.width), x1 = Math.ceil(fx1 * seg.width);
  const y0 = Math.floor(fy0 * seg.height), y1 = Math.ceil(fy1 * seg.height);
  let hit = 0, n = 0;
  const found = new Map<string, number>();
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const label = labelOf.get(seg.labels[y * seg.width + x]) ?? 'none';
      found.set(label, (found.get(label) ?? 0) + 1);
      if (alternatives.some((a) => labelMatches(label, a))) hit++;
      n++;
    }
  }
  const share = n > 0 ? hit / n : 0;
  const majority = [...found.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { label: expectation.label, share, ok: n > 0 && share >= 0.5, found: majority };
}

/** Euclidean distance from a point to a polyline. */
export function distanceToPolyline(px: number, py: number, polyline: readonly (readonly [number, number])[]): number {
  let best = Infinity;
  for (let k = 0; k + 1 < polyline.length; k++) {
    const [ax, ay] = polyline[k], [bx, by] = polyline[k + 1];
    const dx = bx - ax, dy = by - ay;
    const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(px - ax - t * dx, py - ay - t * dy));
  }
  return best;
}

export interface SkylineResult {
  readonly tolerance: number;
  readonly worst: number;
  readonly columnsOutside: number;
  readonly columns: number;
  readonly ok: boolean;
}

/**
 * In each column a polyline covers, the lowest pixel of the sky mask is a point of the
 * sky's lower boundary; its distance to that hand-traced polyline must be within 1 % of
 * the image diagonal. A photo may have several polylines (parts of its skyline).
 */
export function skylineError(seg: LabelledSegmentation, skyIds: readonly number[], polylines: readonly (readonly (readonly [number, number])[])[]): SkylineResult {
  const sky = new Set(skyIds);
  const tolerance = 0.01 * Math.hypot(seg.width, seg.height);
  let worst = 0, outside = 0, columns = 0;
  for (const polyline of polylines) {
    for (let x = Math.max(0, polyline[0][0]); x <= polyline.at(-1)![0] && x < seg.width; x++) {
      let lowest = -1;
      for (let y = 0; y < seg.height; y++) if (sky.has(seg.labels[y * seg.width + x])) lowest = y;
      const d = distanceToPolyline(x + 0.5, lowest + 0.5, polyline);
      worst = Math.max(worst, d);
      if (d > tolerance) outside++;
      columns++;
    }
  }
  return { tolerance: Math.round(tolerance), worst: Math.round(worst), columnsOutside: outside, columns, ok: outside === 0 };
}
