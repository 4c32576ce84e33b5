#!/usr/bin/env node
// Control accuracy of the embedded renderer (issue: |achieved − target| ≤ 0.03 for
// ≥ 95 % of (region, attribute) pairs not flagged clipped).
//
// For each of the 16 full-size sample photos and 3 seeded random target maps, render
// twice: (a) whole image as one region, (b) the two regions of samples/masks/<photo>.png.
// Each target = as-shot value + U(−SPREAD, SPREAD), clamped to [−LIMIT, LIMIT],
// independently per region and attribute (defaults 0.4 and 0.8: edits of up to ±0.4,
// looks within the central 90 % of the corpus; ACCURACY_SPREAD / ACCURACY_LIMIT change
// them). `achieved` is measured on the full-resolution output.
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ATTRIBUTES, DEFAULT_CALIBRATION, mulberry32, render, prepareImage } from '../../libs/imaging/dist/index.js';
import { loadLabels, loadRgb, percentile, root } from './common.mjs';

const TOLERANCE = 0.03;
const SPREAD = Number(process.env.ACCURACY_SPREAD ?? 0.4);
const LIMIT = Number(process.env.ACCURACY_LIMIT ?? 0.8);
const dir = path.join(root, 'samples');
const photos = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f) && !f.startsWith('skimage_')).sort();
const limit = Number(process.env.ACCURACY_PHOTOS ?? photos.length);
const rand = mulberry32(2026);
const table = DEFAULT_CALIBRATION;

export async function runAccuracy({ log = console.log } = {}) {
  const rows = [];
  for (const file of photos.slice(0, limit)) {
    const image = await loadRgb(path.join(dir, file));
    const maskFile = path.join(dir, 'masks', file.replace(/\.[^.]+$/, '.png'));
    const mask = existsSync(maskFile) ? await loadLabels(maskFile) : undefined;
    for (let m = 0; m < 3; m++) {
      for (const seg of [undefined, mask]) {
        const asShot = prepareImage(image, seg, table).regions;
        const map = {
          regions: asShot.map((r) => ({
            id: r.id,
            values: Object.fromEntries(ATTRIBUTES.map((a) => [a, Math.max(-LIMIT, Math.min(LIMIT, r.values[a] + SPREAD * (2 * rand() - 1)))])),
          })),
        };
        const t = performance.now();
        const { report } = render(image, seg, map, table);
        const ms = performance.now() - t;
        for (const r of report.regions) {
          for (const a of ATTRIBUTES) rows.push({ file, map: m, regions: seg ? 2 : 1, id: r.id, attribute: a, target: r.target[a], achieved: r.achieved[a], error: Math.abs(r.achieved[a] - r.target[a]), clipped: r.clipped[a] });
        }
        const errs = report.regions.flatMap((r) => ATTRIBUTES.filter((a) => !r.clipped[a]).map((a) => Math.abs(r.achieved[a] - r.target[a])));
        log(`${file} map ${m} ${seg ? 'two regions' : 'whole image'}: max error (not clipped) ${Math.max(0, ...errs).toFixed(3)}, clipped ${report.regions.reduce((n, r) => n + ATTRIBUTES.filter((a) => r.clipped[a]).length, 0)}, ${ms.toFixed(0)} ms`);
      }
    }
  }
  const free = rows.filter((r) => !r.clipped);
  const within = free.filter((r) => r.error <= TOLERANCE).length;
  const byAttribute = Object.fromEntries(ATTRIBUTES.map((a) => {
    const f = free.filter((r) => r.attribute === a);
    return [a, { pairs: f.length, withinTolerance: f.filter((r) => r.error <= TOLERANCE).length, p95: percentile(f.map((r) => r.error), 95) }];
  }));
  return {
    photos: Math.min(limit, photos.length),
    distribution: `as-shot + U(−${SPREAD}, ${SPREAD}), clamped to ±${LIMIT}`,
    pairs: rows.length,
    clipped: rows.length - free.length,
    notClipped: free.length,
    withinTolerance: within,
    share: within / free.length,
    medianError: percentile(free.map((r) => r.error), 50),
    p95Error: percentile(free.map((r) => r.error), 95),
    maxError: Math.max(...free.map((r) => r.error)),
    byAttribute,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const summary = await runAccuracy();
  console.log(JSON.stringify(summary, null, 2));
}
