import { describe, expect, it } from 'vitest';
import { SegmentationError } from '../errors.js';
import { decoderPrompt, singleClickPrompt } from './prompt-points.js';

const image = { width: 2000, height: 1000 };
const resized = { width: 1024, height: 512 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SegmentationError ? error.code : 'not a SegmentationError';
  }
  return undefined;
}

describe('decoderPrompt', () => {
  it('scales a click into the model frame and adds the padding point', () => {
    const p = decoderPrompt({ kind: 'point', x: 1000, y: 250 }, image, resized);
    expect(Array.from(p.coords)).toEqual([512, 128, 0, 0]);
    expect(Array.from(p.labels)).toEqual([1, -1]);
    expect(Array.from(decoderPrompt({ kind: 'point', x: 1, y: 1, positive: false }, image, resized).labels)).toEqual([0, -1]);
    expect(singleClickPrompt(1000, 250, image, resized)).toEqual(p);
  });

  it('labels several points 1 / 0 and pads', () => {
    const p = decoderPrompt({ kind: 'points', points: [{ x: 0, y: 0, positive: true }, { x: 500, y: 500, positive: false }] }, image, resized);
    expect(Array.from(p.labels)).toEqual([1, 0, -1]);
    expect(Array.from(p.coords)).toEqual([0, 0, 256, 256, 0, 0]);
  });

  it('gives a box as corners labelled 2 and 3, without padding', () => {
    const p = decoderPrompt({ kind: 'box', box: { x0: 0, y0: 0, x1: 2000, y1: 1000 } }, image, resized);
    expect(Array.from(p.coords)).toEqual([0, 0, 1024, 512]);
    expect(Array.from(p.labels)).toEqual([2, 3]);
  });

  it('rejects prompts outside the image or malformed', () => {
    expect(codeOf(() => decoderPrompt({ kind: 'point', x: 2000, y: 0 }, image, resized))).toBe('prompt_outside_image');
    expect(codeOf(() => decoderPrompt({ kind: 'point', x: -0.5, y: 0 }, image, resized))).toBe('prompt_outside_image');
    expect(codeOf(() => decoderPrompt({ kind: 'points', points: [{ x: 5, y: 1000, positive: true }] }, image, resized))).toBe('prompt_outside_image');
    expect(codeOf(() => decoderPrompt({ kind: 'box', box: { x0: 0, y0: 0, x1: 2001, y1: 10 } }, image, resized))).toBe('prompt_outside_image');
    expect(codeOf(() => decoderPrompt({ kind: 'box', box: { x0: 10, y0: 0, x1: 10, y1: 10 } }, image, resized))).toBe('invalid_prompt');
    expect(codeOf(() => decoderPrompt({ kind: 'points', points: [] }, image, resized))).toBe('invalid_prompt');
    expect(codeOf(() => decoderPrompt({ kind: 'point', x: Number.NaN, y: 0 }, image, resized))).toBe('invalid_prompt');
  });
});
