import { describe, expect, it } from 'vitest';
import { boxMean4, featherCoefficients, prepareGuide } from './guided-filter.js';

describe('boxMean4', () => {
  it('equals the naive clipped-window mean, in each of the four channels', () => {
    for (const [W, H, r] of [[9, 7, 2], [3, 11, 4], [1, 1, 4]]) {
      const src = Float32Array.from({ length: 4 * W * H }, (_, i) => ((i * 7919) % 13) - (i % 4) * 3.5);
      const out = boxMean4(src, W, H, r);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 4; c++) {
        let s = 0, n = 0;
        for (let yy = Math.max(0, y - r); yy <= Math.min(H - 1, y + r); yy++) for (let xx = Math.max(0, x - r); xx <= Math.min(W - 1, x + r); xx++) { s += src[4 * (yy * W + xx) + c]; n++; }
        expect(out[4 * (y * W + x) + c]).toBeCloseTo(s / n, 4);
      }
    }
  });
});

describe('feathering (colour guided filter)', () => {
  // A 64×32 image, red on the left, blue on the right; region 1 is the red half.
  const W = 64, H = 32, edge = 32;
  const rgb = new Float32Array(W * H * 3);
  const labels = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    rgb.set(x < edge ? [200, 40, 30] : [30, 60, 200], 3 * i);
    labels[i] = x < edge ? 1 : 0;
  }
  const weightAt = (f: ReturnType<typeof featherCoefficients>, x: number, y: number) => {
    const lx = x - f.x0, ly = y - f.y0;
    if (lx < 0 || ly < 0 || lx >= f.width || ly >= f.height) return 0;
    const o = 4 * (ly * f.width + lx), p = 3 * (y * W + x);
    return Math.min(1, Math.max(0, (f.ab[o] * rgb[p] + f.ab[o + 1] * rgb[p + 1] + f.ab[o + 2] * rgb[p + 2]) / 255 + f.ab[o + 3]));
  };

  it('follows a colour edge: full weight right up to it inside, none right past it', () => {
    const f = featherCoefficients(prepareGuide(rgb, W, H, 4, 1e-3), labels, 1);
    for (const y of [0, 16, 31]) {
      expect(weightAt(f, edge - 1, y)).toBeGreaterThan(0.97);
      expect(weightAt(f, edge, y)).toBeLessThan(0.03);
      expect(weightAt(f, 5, y)).toBe(1);
      expect(weightAt(f, 60, y)).toBe(0);
    }
  });

  it('is exactly zero past the region plus the filter reach (2r + 1)', () => {
    const f = featherCoefficients(prepareGuide(rgb, W, H, 4, 1e-3), labels, 1);
    expect(f.x0 + f.width - 1).toBeLessThanOrEqual(edge - 1 + 9);
  });

  it('blurs where the guide has no edge (a label edge inside flat colour)', () => {
    const flat = new Float32Array(W * H * 3).fill(128);
    const f = featherCoefficients(prepareGuide(flat, W, H, 4, 1e-3), labels, 1);
    const o = (x: number) => 4 * (5 * f.width + x - f.x0);
    const w = (x: number) => f.ab[o(x) + 3];
    expect(w(edge - 1)).toBeGreaterThan(0.3);
    expect(w(edge - 1)).toBeLessThan(0.9);
    expect(w(edge)).toBeGreaterThan(0.1);
  });
});
