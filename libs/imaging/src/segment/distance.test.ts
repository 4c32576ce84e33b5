import { describe, expect, it } from 'vitest';
import { distanceToRegion } from './distance.js';

describe('distanceToRegion', () => {
  it('is 0 inside, counts steps along rows and √2 along diagonals', () => {
    const labels = new Uint8Array(25);
    labels[12] = 1; // centre of a 5×5 image
    const d = distanceToRegion(labels, 5, 5, 1);
    expect(d[12]).toBe(0);
    expect(d[14]).toBe(2);
    expect(d[0]).toBeCloseTo(2 * Math.SQRT2, 6);
    expect(d[4]).toBeCloseTo(2 * Math.SQRT2, 6);
  });

  it('is Infinity everywhere when the region is absent', () => {
    expect([...distanceToRegion(new Uint8Array(4), 2, 2, 3)].every((v) => v === Infinity)).toBe(true);
  });
});
