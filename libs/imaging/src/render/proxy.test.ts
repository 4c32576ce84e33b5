import { describe, expect, it } from 'vitest';
import { regionStats } from '../scores/score-regions.js';
import { mulberry32 } from '../segment/clusters.js';
import { buildLut, tetrahedral } from './lut.js';
import { buildOperator } from './operators.js';
import { PROXY_LUT_SIZE, buildRegionProxy, proxyStats } from './proxy.js';

// A small textured image, one region, with block spreads: some pixels are one point, some two.
const W = 40, H = 24;
const rand = mulberry32(11);
const data = Float32Array.from({ length: W * H * 3 }, (_, i) => 20 + 200 * rand() * ((i % 3) + 1) / 3);
const spread = Float32Array.from({ length: data.length }, (_, i) => (Math.floor(i / 3) % 3 === 0 ? 0.5 : 6 * rand()));
const labels = new Uint8Array(W * H);

describe('proxyStats (the solver evaluation, on the WebAssembly kernels)', () => {
  it('gives the statistics of the proxy rendered through its LUT: sigma points averaged, neighbour pairs inside the region', () => {
    const strengths = { colorfulness: 0.3, contrast: -0.2, temperature: 0.15, brightness: 0.25 };
    const proxy = buildRegionProxy({ width: W, height: H, data }, spread, labels, 0);
    expect(proxy.singles).toBeGreaterThan(0);
    expect(proxy.singles).toBeLessThan(proxy.pixels);
    const got = proxyStats(proxy, strengths);
    // Reference: every pixel's points through the same LUT (tetrahedral, lut.ts), averaged.
    const lut = buildLut(buildOperator(strengths, proxy.midLuminance), PROXY_LUT_SIZE);
    const scale = (PROXY_LUT_SIZE - 1) / 255;
    const out = new Float32Array(data.length);
    const t = new Float64Array(3);
    for (let i = 0; i < W * H; i++) {
      const smooth = spread[3 * i] < 2.5 && spread[3 * i + 1] < 2.5 && spread[3 * i + 2] < 2.5;
      const signs = smooth ? [0] : [1, -1];
      for (const sign of signs) {
        const at = (c: number) => Math.min(255, Math.max(0, data[3 * i + c] + sign * spread[3 * i + c])) * scale;
        tetrahedral(lut, PROXY_LUT_SIZE, at(0), at(1), at(2), t);
        for (let c = 0; c < 3; c++) out[3 * i + c] += (t[c] * 255) / signs.length;
      }
    }
    const want = regionStats({ width: W, height: H, data: out }, labels).get(0);
    if (!want) throw new Error('no region 0');
    expect(got.n).toBe(want.n);
    expect(got.pairs).toBe(want.pairs);
    for (const key of ['sumR', 'sumG', 'sumB', 'sumRg', 'sumRg2', 'sumYb', 'sumYb2', 'sumDiff'] as const) {
      expect(Math.abs(got[key] - want[key])).toBeLessThanOrEqual(1e-4 * Math.abs(want[key]) + 1e-3);
    }
  });

  it('evaluates another proxy correctly after the first (each is loaded once, then reused)', () => {
    const a = buildRegionProxy({ width: W, height: H, data }, spread, labels, 0);
    const b = buildRegionProxy({ width: W, height: H, data }, null, labels, 0);
    const zero = { colorfulness: 0, contrast: 0, temperature: 0, brightness: 0 };
    const first = proxyStats(a, zero);
    proxyStats(b, zero);
    expect(proxyStats(a, zero)).toEqual(first);
    // At zero strengths and without sigma points the proxy reproduces the region's own sums.
    const own = regionStats({ width: W, height: H, data }, labels).get(0);
    const plain = proxyStats(b, zero);
    expect(Math.abs(plain.sumR - (own?.sumR ?? 0)) / (own?.sumR ?? 1)).toBeLessThan(1e-3);
  });
});
