import { describe, expect, it } from 'vitest';
import { SRGB8_TO_LINEAR } from '../color/srgb.js';
import { mulberry32 } from '../segment/clusters.js';
import { Scratch, newKernels } from './kernels.js';

/**
 * The kernels that take several points at once, branch-free (simCells four pixels,
 * proxyPoints two points), against their one-at-a-time paths, which keep the original
 * branches: the tails of a count that is not a multiple of the width, and single calls.
 * Colours include ties between fractions (greys, repeated channels), where the six-way
 * choice of a tetrahedron has to resolve exactly as the branches do.
 */

/** Colours on 0..255 (f32), a third with ties: greys, two equal channels, lattice nodes, the cube's ends. */
function colours(count: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(3 * count);
  for (let i = 0; i < count; i++) {
    const v = next() * 255;
    const kind = i % 9;
    const rgb =
      kind === 0 ? [v, v, v]
      : kind === 1 ? [v, v, next() * 255]
      : kind === 2 ? [next() * 255, v, v]
      : kind === 3 ? [Math.round(v / 10.625) * 10.625, v, Math.round(next() * 24) * 10.625]
      : kind === 4 ? [0, 255, v]
      : [v, next() * 255, next() * 255];
    out.set(rgb, 3 * i);
  }
  return out;
}

describe('simCells (four pixels at a time)', () => {
  it('places every pixel as the one-pixel path does, ties included', () => {
    const n = 4 * 250 + 3;
    const size = 25;
    const rgb = colours(n, 7);
    const k = newKernels();
    const scratch = new Scratch(k);
    const at = { src: scratch.take(16 * n), v0: scratch.take(4 * n), v1: scratch.take(4 * n), v2: scratch.take(4 * n), w: scratch.take(16 * n) };
    const one = { v0: scratch.take(4), v1: scratch.take(4), v2: scratch.take(4), w: scratch.take(16) };
    scratch.commit();
    for (let i = 0; i < n; i++) k.f32.set(rgb.subarray(3 * i, 3 * i + 3), (at.src >> 2) + 4 * i);
    k.k.simCells(at.src, n, size, at.v0, at.v1, at.v2, at.w);
    for (let i = 0; i < n; i++) {
      k.k.simCells(at.src + 16 * i, 1, size, one.v0, one.v1, one.v2, one.w);
      const batch = [k.i32[(at.v0 >> 2) + i], k.i32[(at.v1 >> 2) + i], k.i32[(at.v2 >> 2) + i], ...k.f32.subarray((at.w >> 2) + 4 * i, (at.w >> 2) + 4 * i + 4)];
      const single = [k.i32[one.v0 >> 2], k.i32[one.v1 >> 2], k.i32[one.v2 >> 2], ...k.f32.subarray(one.w >> 2, (one.w >> 2) + 4)];
      expect(batch, `pixel ${i} (${[...rgb.subarray(3 * i, 3 * i + 3)]})`).toEqual(single);
    }
  });
});

describe('proxyPoints (two points at a time)', () => {
  const size = 17;
  function place(k: ReturnType<typeof newKernels>, colourData: Float32Array, singles: number, n: number) {
    const points = singles + 2 * (n - singles);
    const scratch = new Scratch(k);
    const at = { colours: scratch.take(4 * colourData.length), v0: scratch.take(4 * points), v1: scratch.take(4 * points), v2: scratch.take(4 * points), w: scratch.take(12 * points), touched: scratch.take(size ** 3), lin: scratch.take(4 * 256) };
    scratch.commit();
    k.f32.set(colourData, at.colours >> 2);
    k.f32.set(SRGB8_TO_LINEAR, at.lin >> 2);
    const lum = k.k.proxyPoints(at.colours, singles, n, size, at.v0, at.v1, at.v2, at.w, at.touched, at.lin);
    return {
      lum,
      v: [...k.i32.subarray(at.v0 >> 2, (at.v0 >> 2) + points), ...k.i32.subarray(at.v1 >> 2, (at.v1 >> 2) + points), ...k.i32.subarray(at.v2 >> 2, (at.v2 >> 2) + points)],
      w: [...k.f32.subarray(at.w >> 2, (at.w >> 2) + 3 * points)],
      touched: [...k.u8.subarray(at.touched, at.touched + size ** 3)],
    };
  }

  it('places smooth pixels in pairs as one at a time, and sums their lightness as JavaScript does', () => {
    const n = 301;
    const rgb = colours(n, 11);
    const k = newKernels();
    const all = place(k, rgb, n, n);
    const touched = new Array<number>(size ** 3).fill(0);
    let lum = 0;
    for (let i = 0; i < n; i++) {
      // One smooth pixel alone takes the one-point path.
      const alone = place(k, rgb.subarray(3 * i, 3 * i + 3), 1, 1);
      expect([all.v[i], all.v[n + i], all.v[2 * n + i]]).toEqual(alone.v);
      expect(all.w.slice(3 * i, 3 * i + 3)).toEqual(alone.w);
      alone.touched.forEach((t, j) => (touched[j] |= t));
      const [r, g, b] = rgb.subarray(3 * i, 3 * i + 3);
      lum += Math.cbrt(0.2126729 * SRGB8_TO_LINEAR[Math.round(r)] + 0.7151522 * SRGB8_TO_LINEAR[Math.round(g)] + 0.072175 * SRGB8_TO_LINEAR[Math.round(b)]);
    }
    expect(all.touched).toEqual(touched);
    expect(all.lum).toBe(lum);
  });

  it("places a pixel's two sigma points as the points at mean ± spread", () => {
    const n = 200;
    // On a 1/64 grid, so that mean ± spread is exact in single precision (the one-point path's input).
    const means = colours(n, 3).map((v) => Math.round(v * 64) / 64), spreads = colours(n, 5).map((v) => Math.round(v * 8) / 64);
    const doubles = new Float32Array(6 * n);
    for (let i = 0; i < n; i++) {
      doubles.set(means.subarray(3 * i, 3 * i + 3), 6 * i);
      doubles.set(spreads.subarray(3 * i, 3 * i + 3), 6 * i + 3);
    }
    const k = newKernels();
    const both = place(k, doubles, 0, n);
    for (let i = 0; i < n; i++) {
      for (const [p, sign] of [[2 * i, 1], [2 * i + 1, -1]] as const) {
        const colour = Float32Array.from({ length: 3 }, (_, c) => means[3 * i + c] + sign * spreads[3 * i + c]);
        const alone = place(k, colour, 1, 1);
        expect([both.v[p], both.v[2 * n + p], both.v[4 * n + p]]).toEqual(alone.v);
        expect(both.w.slice(3 * p, 3 * p + 3)).toEqual(alone.w);
      }
    }
  });
});
