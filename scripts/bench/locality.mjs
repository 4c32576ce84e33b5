#!/usr/bin/env node
// Locality of region edits (issue: with a region edited, pixels further than 2 % of the
// image diagonal outside that region change by ≤ 1/255 on average and ≤ 3/255 at the
// 99th percentile). For each of the 16 full-size sample photos, region 1 of its
// two-region mask (samples/masks/) gets brightness +0.3, colourfulness −0.2 and
// temperature +0.2 from its as-shot values; region 0 is left alone.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CALIBRATION, prepareImage, render } from '../../libs/imaging/dist/index.js';
import { loadLabels, loadRgb, root } from './common.mjs';

const dir = path.join(root, 'samples');
const photos = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f) && !f.startsWith('skimage_')).sort();

/** Euclidean-ish (chamfer 1, √2) distance of every pixel to the nearest pixel of `inside`. */
function distanceTo(inside, width, height) {
  const d = new Float32Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = inside[i] ? 0 : Infinity;
  const D = Math.SQRT2;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = y * width + x;
    let v = d[i];
    if (x > 0) v = Math.min(v, d[i - 1] + 1);
    if (y > 0) {
      v = Math.min(v, d[i - width] + 1);
      if (x > 0) v = Math.min(v, d[i - width - 1] + D);
      if (x + 1 < width) v = Math.min(v, d[i - width + 1] + D);
    }
    d[i] = v;
  }
  for (let y = height - 1; y >= 0; y--) for (let x = width - 1; x >= 0; x--) {
    const i = y * width + x;
    let v = d[i];
    if (x + 1 < width) v = Math.min(v, d[i + 1] + 1);
    if (y + 1 < height) {
      v = Math.min(v, d[i + width] + 1);
      if (x + 1 < width) v = Math.min(v, d[i + width + 1] + D);
      if (x > 0) v = Math.min(v, d[i + width - 1] + D);
    }
    d[i] = v;
  }
  return d;
}

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
    const inside = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      const sy = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / H));
      for (let x = 0; x < W; x++) inside[y * W + x] = mask.labels[sy * mask.width + Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / W))] === 1 ? 1 : 0;
    }
    const dist = distanceTo(inside, W, H);
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
