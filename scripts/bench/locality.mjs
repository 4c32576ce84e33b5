#!/usr/bin/env node
// Locality of region edits (issue: with a region edited, pixels further than 2 % of the
// image diagonal outside that region change by ≤ 1/255 on average and ≤ 3/255 at the
// 99th percentile). For each of the 16 full-size sample photos, region 1 of its
// two-region mask (samples/masks/) gets brightness +0.3, colourfulness −0.2 and
// temperature +0.2 from its as-shot values; region 0 is left alone.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CALIBRATION, distanceToRegion, prepareImage, render, resampleLabelsNearest } from '../../libs/imaging/dist/index.js';
import { loadLabels, loadRgb, root } from './common.mjs';

const dir = path.join(root, 'samples');
const photos = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f) && !f.startsWith('skimage_')).sort();

export async function runLocality({ log = console.log } = {}) {
  const rows = [];
  for (const file of photos) {
    const image = await loadRgb(path.join(dir, file));
    const mask = await loadLabels(path.join(dir, 'masks', file.replace(/\.[^.]+$/, '.png')));
    const region = prepareImage(image, mask, DEFAULT_CALIBRATION).regions.find((r) => r.id === 1);
    const v = region.values;
    const clamp = (x) => Math.max(-1, Math.min(1, x));
    const map = { regions: [{ id: 1, values: { brightness: clamp(v.brightness + 0.3), colorfulness: clamp(v.colorfulness - 0.2), temperature: clamp(v.temperature + 0.2) } }] };
    const { image: out } = render(image, mask, map, DEFAULT_CALIBRATION);
    const { width: W, height: H } = image;
    const dist = distanceToRegion(resampleLabelsNearest(mask, W, H), W, H, 1);
    const far = 0.02 * Math.hypot(W, H);
    const hist = new Float64Array(256);
    let n = 0, sum = 0;
    for (let i = 0; i < W * H; i++) {
      if (dist[i] <= far) continue;
      for (let c = 0; c < 3; c++) {
        const diff = Math.abs(out.data[3 * i + c] - image.data[3 * i + c]);
        hist[diff]++;
        sum += diff;
        n++;
      }
    }
    let acc = 0, p99 = 0;
    for (let k = 0; k < 256; k++) {
      acc += hist[k];
      if (acc >= 0.99 * n) { p99 = k; break; }
    }
    const row = { file, farSamples: n, meanDiff: n ? sum / n : 0, p99Diff: p99 };
    rows.push(row);
    log(`${file}: ${(n / 3 / (W * H) * 100).toFixed(0)} % of pixels far outside, mean |Δ| ${row.meanDiff.toFixed(3)}/255, p99 ${p99}/255`);
  }
  return {
    photos: rows.length,
    worstMeanDiff: Math.max(...rows.map((r) => r.meanDiff)),
    worstP99Diff: Math.max(...rows.map((r) => r.p99Diff)),
    rows,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await runLocality(), null, 2));
