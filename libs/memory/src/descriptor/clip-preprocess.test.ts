/** CLIP preprocessing, against values computed here independently (float64, by the formula). */
import { describe, expect, it } from 'vitest';
import { CLIP_MEAN, CLIP_STD, centreSquare, clipPixelValues } from './clip-preprocess.js';

function uniform(width: number, height: number, rgb: readonly number[]): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}

/** (v / 255 − mean) / std in float64: what CLIPImageProcessor's rescale + normalize give. */
const expected = (value: number, channel: number) => (value / 255 - CLIP_MEAN[channel]) / CLIP_STD[channel];

function expectPlanes(pixels: Float32Array, size: number, rgb: readonly number[]): void {
  expect(pixels.length).toBe(3 * size * size);
  for (let c = 0; c < 3; c++) {
    const plane = pixels.subarray(c * size * size, (c + 1) * size * size);
    const want = expected(rgb[c], c);
    let worst = 0;
    for (const v of plane) worst = Math.max(worst, Math.abs(v - want));
    expect(worst, `channel ${c}`).toBeLessThan(1e-5);
  }
}

describe('clipPixelValues', () => {
  it('a uniform colour becomes CLIP-normalised constant planes, R then G then B, [3, 224, 224]', () => {
    const rgb = [200, 100, 50];
    const pixels = clipPixelValues(uniform(640, 480, rgb));
    expectPlanes(pixels, 224, rgb);
    // Spot values by hand: (200/255 − 0.48145466) / 0.26862954 ≈ 1.12742.
    expect(pixels[0]).toBeCloseTo(1.12742, 4);
    expect(pixels[224 * 224]).toBeCloseTo((100 / 255 - 0.4578275) / 0.26130258, 5);
  });

  it('black and white reach CLIP\'s extremes', () => {
    expectPlanes(clipPixelValues(uniform(300, 300, [0, 0, 0])), 224, [0, 0, 0]);
    expectPlanes(clipPixelValues(uniform(300, 300, [255, 255, 255])), 224, [255, 255, 255]);
  });

  it('centre-crops: of a landscape image in three vertical bands only the middle band is seen', () => {
    const width = 600, height = 200;
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(x < 200 ? [255, 0, 0] : x < 400 ? [0, 255, 0] : [0, 0, 255], (y * width + x) * 3);
    expectPlanes(clipPixelValues({ width, height, data }), 224, [0, 255, 0]);
    // Portrait: the middle rows.
    const tall = new Uint8Array(width * height * 3);
    for (let y = 0; y < width; y++) for (let x = 0; x < height; x++) tall.set(y < 200 ? [255, 0, 0] : y < 400 ? [10, 20, 30] : [0, 0, 255], (y * height + x) * 3);
    expectPlanes(clipPixelValues({ width: height, height: width, data: tall }), 224, [10, 20, 30]);
  });

  it('takes 16-bit and float images on their own scales, enlarges small images, and honours the size', () => {
    const rgb = [30, 140, 220];
    const sixteen = { width: 50, height: 80, data: Uint16Array.from(uniform(50, 80, rgb).data, (v) => v * 257) };
    expectPlanes(clipPixelValues(sixteen), 224, rgb);
    const floats = { width: 7, height: 5, data: Float32Array.from(uniform(7, 5, rgb).data) };
    expectPlanes(clipPixelValues(floats, 32), 32, rgb);
  });

  it('keeps the layout: the top half of the crop is the top half of the image', () => {
    const size = 224;
    const data = new Uint8Array(400 * 400 * 3);
    for (let i = 0; i < 400 * 200; i++) data.set([255, 255, 255], i * 3);
    const pixels = clipPixelValues({ width: 400, height: 400, data }, size);
    expect(pixels[10 * size + 5]).toBeCloseTo(expected(255, 0), 5);
    expect(pixels[(size - 10) * size + 5]).toBeCloseTo(expected(0, 0), 5);
  });

  it('rejects sizes and buffers that do not add up', () => {
    expect(() => clipPixelValues(uniform(4, 4, [0, 0, 0]), 0)).toThrow(RangeError);
    expect(() => clipPixelValues({ width: 4, height: 4, data: new Uint8Array(10) })).toThrow(/4×4×3/);
  });
});

describe('centreSquare', () => {
  it('returns a square image untouched and copies the middle of others', () => {
    const square = uniform(5, 5, [1, 2, 3]);
    expect(centreSquare(square)).toBe(square);
    const wide = { width: 5, height: 2, data: Uint8Array.from({ length: 30 }, (_, i) => i) };
    // Columns 1..2 (left = floor(3 / 2) = 1) of both rows.
    expect(Array.from(centreSquare(wide).data)).toEqual([3, 4, 5, 6, 7, 8, 18, 19, 20, 21, 22, 23]);
  });
});
