import { describe, expect, it } from 'vitest';
import { modeFilter3x3 } from './mode-filter.js';
import { boxBlur3 } from './slic.js';

describe('modeFilter3x3', () => {
  it('removes a one-pixel thread and keeps straight region edges', () => {
    const W = 8, H = 6;
    const labels = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 4; x < W; x++) labels[y * W + x] = 1;
    labels[2 * W + 1] = labels[2 * W + 2] = 1; // a thread of region 1 inside region 0
    const out = modeFilter3x3(labels, W, H);
    expect(out[2 * W + 1]).toBe(0);
    expect(out[2 * W + 2]).toBe(0);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (!(y === 2 && (x === 1 || x === 2))) expect(out[y * W + x]).toBe(labels[y * W + x]);
  });
});

describe('boxBlur3', () => {
  it('averages the 3×3 neighbourhood that exists', () => {
    const src = Float32Array.from([0, 0, 0, 0, 9, 0, 0, 0, 0]);
    const out = boxBlur3(src, 3, 3);
    expect(out[4]).toBeCloseTo(1, 6);
    expect(out[0]).toBeCloseTo(9 / 4, 6);
    expect(out[1]).toBeCloseTo(9 / 6, 6);
  });
});
