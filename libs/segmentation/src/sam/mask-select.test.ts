import { describe, expect, it } from 'vitest';
import { binaryMask, chooseMaskIndex } from './mask-select.js';

describe('chooseMaskIndex', () => {
  const scores = Float32Array.from([0.99, 0.6, 0.9, 0.7]);
  it('with SAM’s 4 masks: best multimask output (1..3) for one click or a box', () => {
    expect(chooseMaskIndex(scores, 4, 2)).toBe(2);
  });
  it('with SAM’s 4 masks: the single-mask output 0 for more points', () => {
    expect(chooseMaskIndex(Float32Array.from([0.1, 0.6, 0.9, 0.7]), 4, 3)).toBe(0);
  });
  it('otherwise the best score, the first on ties', () => {
    expect(chooseMaskIndex(Float32Array.from([0.2, 0.8, 0.8]), 3, 2)).toBe(1);
    expect(chooseMaskIndex(Float32Array.from([0.2]), 1, 5)).toBe(0);
  });
});

describe('binaryMask', () => {
  it('thresholds the chosen mask’s logits at 0', () => {
    const masks = Float32Array.from([1, 1, 1, 1, -2, 0, 0.5, 3]);
    const result = { maskCount: 2, width: 2, height: 2, scores: Float32Array.from([0.1, 0.2]), maskLogits: (i: number) => masks.subarray(4 * i, 4 * i + 4) };
    expect(binaryMask(result, 1)).toEqual({ width: 2, height: 2, data: Uint8Array.from([0, 0, 255, 255]) });
  });
});
