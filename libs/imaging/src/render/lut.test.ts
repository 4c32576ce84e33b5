import { describe, expect, it } from 'vitest';
import { buildLut, fillLutNodes } from './lut.js';
import { linearToSrgbFast, srgbToLinear } from '../color/srgb.js';
import { ZERO_STRENGTHS, applyOperator, buildOperator, type Strengths } from './operators.js';

describe('fillLutNodes', () => {
  it("writes buildLut's values, bit for bit, at the given nodes and nowhere else", () => {
    const size = 9;
    const op = buildOperator({ colorfulness: 0.4, contrast: -0.3, temperature: 0.5, brightness: 0.2 }, 0.2);
    const full = buildLut(op, size);
    const nodes = Int32Array.from([0, 3 * 7, 3 * 100, 3 * (size ** 3 - 1)]);
    const sparse = new Float32Array(full.length).fill(-1);
    fillLutNodes(sparse, op, size, nodes);
    for (let o = 0; o < full.length; o += 3) {
      const expected = nodes.includes(o) ? [...full.subarray(o, o + 3)] : [-1, -1, -1];
      expect([...sparse.subarray(o, o + 3)]).toEqual(expected);
    }
  });
});

describe('buildLut', () => {
  it('samples the transform exactly as applyOperator computes it (the kernels against the reference implementation)', () => {
    const size = 13;
    const out = new Float64Array(3);
    // Each operator alone, all together, and the paths they take: gamut mapping of boosted
    // colours, skin hues, highlights under a white-balance shift, darkening, flattening.
    const cases: Array<[Partial<Strengths>, number]> = [
      [{ colorfulness: 1.5 }, 0.2],
      [{ contrast: 1.2 }, 0.05],
      [{ contrast: -1.5 }, 0.6],
      [{ temperature: 2.5 }, 0.2],
      [{ temperature: -3 }, 0.4],
      [{ brightness: 1.5 }, 0.1],
      [{ brightness: -2, colorfulness: -2 }, 0.3],
      [{ colorfulness: 0.7, contrast: 0.4, temperature: -0.8, brightness: 0.6 }, 0.18],
    ];
    for (const [strengths, mid] of cases) {
      const op = buildOperator({ ...ZERO_STRENGTHS, ...strengths }, mid);
      const lut = buildLut(op, size);
      for (let r = 0, o = 0; r < size; r++) {
        for (let g = 0; g < size; g++) {
          for (let b = 0; b < size; b++, o += 3) {
            applyOperator(op, srgbToLinear(r / (size - 1)), srgbToLinear(g / (size - 1)), srgbToLinear(b / (size - 1)), out);
            expect([...lut.subarray(o, o + 3)]).toEqual([...out].map((v) => Math.fround(linearToSrgbFast(v))));
          }
        }
      }
    }
  });
});
