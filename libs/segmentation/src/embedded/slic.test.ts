import { describe, expect, it } from 'vitest';
import { boxBlur3 } from './slic.js';

describe('boxBlur3', () => {
  it('averages the 3×3 neighbourhood that exists', () => {
    const src = Float32Array.from([0, 0, 0, 0, 9, 0, 0, 0, 0]);
    const out = boxBlur3(src, 3, 3);
    expect(out[4]).toBeCloseTo(1, 6);
    expect(out[0]).toBeCloseTo(9 / 4, 6);
    expect(out[1]).toBeCloseTo(9 / 6, 6);
  });
});
