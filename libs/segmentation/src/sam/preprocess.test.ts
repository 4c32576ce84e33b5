import { describe, expect, it } from 'vitest';
import {
  SAM_PIXEL_MEAN, SAM_PIXEL_STD, encoderInput, fromModelX, fromModelY, normaliseSample, resizedSizeOf, toModelX, toModelY,
} from './preprocess.js';

describe('resizedSizeOf', () => {
  it('scales the longest side to 1024 and rounds half up, like ResizeLongestSide', () => {
    expect(resizedSizeOf(2000, 1500, 1024)).toEqual({ width: 1024, height: 768 });
    expect(resizedSizeOf(1500, 2000, 1024)).toEqual({ width: 768, height: 1024 });
    expect(resizedSizeOf(300, 200, 1024)).toEqual({ width: 1024, height: 683 }); // 682.67 → 683
    expect(resizedSizeOf(1, 5000, 1024)).toEqual({ width: 1, height: 1024 }); // never 0 px
  });
});

describe('coordinate transforms', () => {
  it('maps image pixels into the model frame and back (round trip)', () => {
    const [w, h] = [4032, 3024];
    const r = resizedSizeOf(w, h, 1024);
    for (const [x, y] of [[0, 0], [4031.5, 3023.5], [1234.25, 17], [2016, 1512]]) {
      const mx = toModelX(x, w, r.width), my = toModelY(y, h, r.height);
      expect(mx).toBeLessThanOrEqual(1024);
      expect(my).toBeLessThanOrEqual(r.height);
      expect(fromModelX(mx, w, r.width)).toBeCloseTo(x, 9);
      expect(fromModelY(my, h, r.height)).toBeCloseTo(y, 9);
    }
    expect(toModelX(2016, w, r.width)).toBeCloseTo(512, 9);
    expect(toModelY(3024, h, r.height)).toBeCloseTo(768, 9);
  });
});

describe('encoderInput', () => {
  it('normalises with SAM statistics and pads with zeros (planar [3, 1024, 1024])', () => {
    const [w, h] = [2048, 1024]; // → 1024 × 512, bottom half is padding
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) data.set([200, 100, 50], 3 * i);
    const out = encoderInput({ width: w, height: h, data });
    expect(out.length).toBe(3 * 1024 * 1024);
    const plane = 1024 * 1024;
    [200, 100, 50].forEach((v, c) => {
      expect(out[c * plane + 10 * 1024 + 10]).toBeCloseTo((v - SAM_PIXEL_MEAN[c]) / SAM_PIXEL_STD[c], 5);
      expect(out[c * plane + 511 * 1024 + 1023]).toBeCloseTo(normaliseSample(v, c), 5);
      expect(out[c * plane + 512 * 1024]).toBe(0);
      expect(out[c * plane + 1023 * 1024 + 1023]).toBe(0);
    });
  });

  it('area-averages when shrinking and treats 16-bit like 8-bit × 257', () => {
    const [w, h] = [2048, 2048];
    const d8 = new Uint8Array(w * h * 3), d16 = new Uint16Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const v = (x + y) % 2 === 0 ? 255 : 0; // checkerboard: every 2×2 block averages to 127.5
      d8.fill(v, 3 * (y * w + x), 3 * (y * w + x) + 3);
      d16.fill(v * 257, 3 * (y * w + x), 3 * (y * w + x) + 3);
    }
    const a = encoderInput({ width: w, height: h, data: d8 });
    const b = encoderInput({ width: w, height: h, data: d16 });
    expect(a[500 * 1024 + 500]).toBeCloseTo(normaliseSample(127.5, 0), 4);
    expect(b[500 * 1024 + 500]).toBeCloseTo(a[500 * 1024 + 500], 4);
  });

  it('enlarges small images bilinearly to the model frame', () => {
    const [w, h] = [2, 1];
    const data = new Uint8Array([0, 0, 0, 255, 255, 255]); // black | white
    const out = encoderInput({ width: w, height: h, data });
    // 2×1 → 1024×512: left edge black, right edge white, monotone in between.
    expect(out[0]).toBeCloseTo(normaliseSample(0, 0), 4);
    expect(out[1023]).toBeCloseTo(normaliseSample(255, 0), 4);
    expect(out[511]).toBeLessThan(out[512]);
    expect(out[512 * 1024]).toBe(0);
  });
});
