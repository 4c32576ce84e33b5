// Segmentation quality against the hand-written fixtures in samples/segmentation/:
// expected labels (a box per obvious region) and hand-traced skylines. Used by
// `npm run bench -- segmentation`; the measures are defined once here.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { root } from './common.mjs';

const fixtures = path.join(root, 'samples/segmentation');

export async function loadFixtures() {
  const { about: _a, ...labels } = JSON.parse(await readFile(path.join(fixtures, 'expected-labels.json'), 'utf8'));
  const { about: _b, ...skylines } = JSON.parse(await readFile(path.join(fixtures, 'skylines.json'), 'utf8'));
  return { labels, skylines };
}

/** One expectation: at least half the box lies in regions answering one of the alternatives. */
export function checkExpectation(seg, expectation, labelMatches) {
  const alternatives = expectation.label.split('|');
  const labelOf = new Map(seg.regions.map((r) => [r.id, r.label]));
  const [fx0, fy0, fx1, fy1] = expectation.box;
  const x0 = Math.floor(fx0 * seg.width), x1 = Math.ceil(fx1 * seg.width), y0 = Math.floor(fy0 * seg.height), y1 = Math.ceil(fy1 * seg.height);
  let hit = 0, n = 0;
  const found = new Map();
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const label = labelOf.get(seg.labels[y * seg.width + x]);
      found.set(label, (found.get(label) ?? 0) + 1);
      if (alternatives.some((a) => labelMatches(label, a))) hit++;
      n++;
    }
  }
  const majority = [...found.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { label: expectation.label, share: n ? hit / n : 0, ok: n > 0 && hit / n >= 0.5, found: majority };
}

/** Euclidean distance from a point to a polyline. */
export function distanceToPolyline(px, py, polyline) {
  let best = Infinity;
  for (let k = 0; k + 1 < polyline.length; k++) {
    const [ax, ay] = polyline[k], [bx, by] = polyline[k + 1];
    const dx = bx - ax, dy = by - ay;
    const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(px - ax - t * dx, py - ay - t * dy));
  }
  return best;
}

/**
 * Skyline distance: in each column between the polyline's first and last point, the
 * lowest pixel of the sky mask is a point of the sky's lower boundary; its Euclidean
 * distance to the hand-traced polyline must be within 1 % of the image diagonal.
 */
export function skylineError(seg, skyIds, polyline) {
  const sky = new Set(skyIds);
  const tolerance = 0.01 * Math.hypot(seg.width, seg.height);
  let worst = 0, outside = 0, columns = 0;
  for (let x = polyline[0][0]; x <= polyline.at(-1)[0] && x < seg.width; x++) {
    let lowest = -1;
    for (let y = 0; y < seg.height; y++) if (sky.has(seg.labels[y * seg.width + x])) lowest = y;
    const d = distanceToPolyline(x + 0.5, lowest + 0.5, polyline);
    worst = Math.max(worst, d);
    if (d > tolerance) outside++;
    columns++;
  }
  return { tolerance: Math.round(tolerance), worst: Math.round(worst), columnsOutside: outside, columns, ok: outside === 0 };
}
