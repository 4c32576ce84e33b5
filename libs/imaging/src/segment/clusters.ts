/**
 * A simple, deterministic region partition: k-means on colour (CIELAB) and position.
 * It is not the product's segmenter (that is libs/segmentation); the calibration
 * script and the benchmarks use it to get repeatable, content-following regions on
 * any photo without model weights.
 */

import { SRGB8_TO_LINEAR, srgbToLinear } from '../color/srgb.js';
import { linearRgbToLab } from '../color/lab.js';
import type { FloatRgbImage } from '../image.js';

/** Mulberry32: a small seeded PRNG so partitions are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Partitions an image into at most k regions (ids 0..k−1): k-means++ seeding, Lloyd
 * iterations on (L*, a*, b*, spatial·x, spatial·y) with x, y in 0..100 across the long
 * side, then two 3×3 majority passes to remove speckle.
 */
export function clusterRegions(image: FloatRgbImage, k: number, options: { seed?: number; spatial?: number; iterations?: number } = {}): Uint8Array {
  const { width: W, height: H, data } = image;
  const n = W * H;
  const spatial = options.spatial ?? 0.5;
  const rand = mulberry32(options.seed ?? 1);
  const long = Math.max(W, H);
  const feat = new Float32Array(n * 5);
  const lab = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const r = data[3 * i], g = data[3 * i + 1], b = data[3 * i + 2];
    const lin = (v: number) => (Number.isInteger(v) ? SRGB8_TO_LINEAR[v] : srgbToLinear(v / 255));
    linearRgbToLab(lin(r), lin(g), lin(b), lab);
    feat.set([lab[0], lab[1], lab[2], ((i % W) * 100 * spatial) / long, (Math.floor(i / W) * 100 * spatial) / long], i * 5);
  }
  const kk = Math.max(1, Math.min(k, n, 255));
  const centres = new Float64Array(kk * 5);
  const dist = new Float64Array(n).fill(Infinity);
  const d2 = (i: number, c: number) => {
    let s = 0;
    for (let j = 0; j < 5; j++) {
      const d = feat[i * 5 + j] - centres[c * 5 + j];
      s += d * d;
    }
    return s;
  };
  // k-means++ (Arthur & Vassilvitskii 2007).
  let pick = Math.floor(rand() * n);
  for (let c = 0; c < kk; c++) {
    for (let j = 0; j < 5; j++) centres[c * 5 + j] = feat[pick * 5 + j];
    let total = 0;
    for (let i = 0; i < n; i++) {
      dist[i] = Math.min(dist[i], d2(i, c));
      total += dist[i];
    }
    let target = rand() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= dist[i];
      if (target <= 0) {
        pick = i;
        break;
      }
    }
  }
  const labels = new Uint8Array(n);
  const sums = new Float64Array(kk * 6);
  for (let it = 0; it < (options.iterations ?? 12); it++) {
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0, bestD = Infinity;
      for (let c = 0; c < kk; c++) {
        const d = d2(i, c);
        if (d < bestD) { bestD = d; best = c; }
      }
      labels[i] = best;
      for (let j = 0; j < 5; j++) sums[best * 6 + j] += feat[i * 5 + j];
      sums[best * 6 + 5]++;
    }
    for (let c = 0; c < kk; c++) {
      const m = sums[c * 6 + 5];
      if (m > 0) for (let j = 0; j < 5; j++) centres[c * 5 + j] = sums[c * 6 + j] / m;
    }
  }
  return majorityFilter(majorityFilter(labels, W, H, kk), W, H, kk);
}

/** One 3×3 majority (mode) pass; ties keep the centre label. */
export function majorityFilter(labels: Uint8Array, width: number, height: number, k: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  const counts = new Int32Array(k);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      counts.fill(0);
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < width) counts[labels[yy * width + xx]]++;
        }
      }
      let best = labels[y * width + x];
      for (let c = 0; c < k; c++) if (counts[c] > counts[best]) best = c;
      out[y * width + x] = best;
    }
  }
  return out;
}
