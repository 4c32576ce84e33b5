import { describe, expect, it } from 'vitest';
import { buildLut, fillLutNodes } from './lut.js';
import { buildOperator } from './operators.js';

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
