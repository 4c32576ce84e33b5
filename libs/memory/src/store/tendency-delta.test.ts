import { describe, expect, it } from 'vitest';
import { cosineDistance, l2Normalize } from '../vector-math.js';
import { GLOBAL_LABEL, tendencyDelta } from './tendency-delta.js';

describe('tendencyDelta', () => {
  it('counts a first confirmation in full, globally under the empty label', () => {
    expect(tendencyDelta(undefined, { global: { contrast: 0.2 }, labels: { sky: { brightness: -0.4 } } })).toEqual([
      { label: GLOBAL_LABEL, attribute: 'contrast', total: 0.2, count: 1 },
      { label: 'sky', attribute: 'brightness', total: -0.4, count: 1 },
    ]);
  });

  it('moves only what a replacing confirmation changes, and uncounts what it drops', () => {
    const before = { labels: { sky: { brightness: 0.4, contrast: 0.1 }, water: { temperature: 0.3 } } };
    const after = { labels: { sky: { brightness: 0.1, contrast: 0.1 }, ground: { colorfulness: -0.5 } } };
    const changes = tendencyDelta(before, after);
    expect(changes).toHaveLength(3);
    expect(changes).toContainEqual({ label: 'sky', attribute: 'brightness', total: expect.closeTo(-0.3, 12), count: 0 });
    expect(changes).toContainEqual({ label: 'water', attribute: 'temperature', total: -0.3, count: -1 });
    expect(changes).toContainEqual({ label: 'ground', attribute: 'colorfulness', total: -0.5, count: 1 });
    expect(tendencyDelta(after, after)).toEqual([]);
  });
});

describe('vector math', () => {
  it('normalises to unit length, leaving a zero vector zero', () => {
    expect(Array.from(l2Normalize(Float32Array.from([3, 4])))).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(Array.from(l2Normalize(new Float32Array(3)))).toEqual([0, 0, 0]);
  });

  it('computes pgvector\'s cosine distance and refuses vectors of different dimensions', () => {
    expect(cosineDistance([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(cosineDistance([1, 0], [-1, 0])).toBeCloseTo(2, 12);
    expect(cosineDistance([1, 1], [2, 2])).toBeCloseTo(0, 12);
    expect(() => cosineDistance([1], [1, 0])).toThrow(RangeError);
  });
});
