import { describe, expect, it } from 'vitest';
import { scaleBox, scaleEditBoxes } from './boxes.js';

describe('boxes drawn on the preview, in the original’s pixels', () => {
  it('scales each axis, rounds outward and clips to the image', () => {
    expect(scaleBox({ x0: 10.4, y0: 5, x1: 20.2, y1: 683 }, { width: 1024, height: 683 }, { width: 4272, height: 2848 })).toEqual({
      x0: Math.floor(10.4 * (4272 / 1024)),
      y0: Math.floor(5 * (2848 / 683)),
      x1: Math.ceil(20.2 * (4272 / 1024)),
      y1: 2848,
    });
    // A preview the size of the original changes nothing.
    expect(scaleBox({ x0: 1, y0: 2, x1: 3, y1: 4 }, { width: 50, height: 40 }, { width: 50, height: 40 })).toEqual({ x0: 1, y0: 2, x1: 3, y1: 4 });
  });

  it('leaves edits without a box alone', () => {
    const edits = [
      { region: 'sky', attribute: 'brightness' as const, delta: 0.1 },
      { region: 'hut', attribute: 'contrast' as const, delta: 0.2, box: { x0: 0, y0: 0, x1: 10, y1: 10 } },
    ];
    expect(scaleEditBoxes(edits, { width: 100, height: 100 }, { width: 200, height: 300 })).toEqual([edits[0], { ...edits[1], box: { x0: 0, y0: 0, x1: 20, y1: 30 } }]);
  });
});
