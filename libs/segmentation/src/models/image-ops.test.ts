import { describe, expect, it } from 'vitest';
import {
  hwcToChw, iou, letterbox, maskSizeFor, maskStats, nonMaxSuppression, probabilitiesToMask, resampleMask, resizeRgbToFloat, toPixelBox,
} from './image-ops.js';

function solid(width: number, height: number, rgb: [number, number, number], bits: 8 | 16 = 8) {
  const data = bits === 8 ? new Uint8Array(width * height * 3) : new Uint16Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}

describe('resizeRgbToFloat', () => {
  it('keeps a solid colour solid at any scale, on the 0..255 scale', () => {
    for (const [w, h] of [[7, 5], [64, 64], [300, 200]]) {
      const out = resizeRgbToFloat(solid(w, h, [10, 128, 250]), 16, 16);
      for (let i = 0; i < out.length; i += 3) expect([out[i], out[i + 1], out[i + 2]].map((v) => Math.round(v * 1000) / 1000)).toEqual([10, 128, 250]);
    }
  });

  it('scales 16-bit samples to 0..255', () => {
    const out = resizeRgbToFloat(solid(4, 4, [65535, 0, 32768], 16), 2, 2);
    expect(out[0]).toBeCloseTo(255, 3);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(127.5, 1);
  });

  it('interpolates bilinearly with aligned pixel centres', () => {
    // 2×1 image black | white → 4×1: centres at -0.25, 0.25, 0.75, 1.25 → clamp, 0.25, 0.75, clamp.
    const img = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 200, 200, 200]) };
    const out = resizeRgbToFloat(img, 4, 1);
    expect([out[0], out[3], out[6], out[9]]).toEqual([0, 50, 150, 200]);
  });

  it('box-averages before shrinking by 2× or more (no aliasing of fine detail)', () => {
    // A 1-pixel checkerboard shrunk 8× must come out mid-grey, not black or white.
    const w = 64;
    const data = new Uint8Array(w * w * 3);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) data.fill((x + y) % 2 ? 255 : 0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const out = resizeRgbToFloat({ width: w, height: w, data }, 8, 8);
    for (const v of out) expect(v).toBeCloseTo(127.5, 3);
  });

  it('draws into a placement and leaves the padding at the fill value', () => {
    const out = resizeRgbToFloat(solid(4, 2, [255, 255, 255]), 4, 4, letterbox(4, 2, 4), 7);
    const row = (y: number) => Array.from({ length: 4 }, (_, x) => out[(y * 4 + x) * 3]);
    expect(row(0)).toEqual([7, 7, 7, 7]);
    expect(row(1)).toEqual([255, 255, 255, 255]);
    expect(row(2)).toEqual([255, 255, 255, 255]);
    expect(row(3)).toEqual([7, 7, 7, 7]);
  });
});

describe('geometry helpers', () => {
  it('letterboxes keeping the aspect ratio, centred', () => {
    expect(letterbox(6028, 3391, 512)).toEqual({ x: 0, y: 112, width: 512, height: 288 });
    expect(letterbox(300, 600, 256)).toEqual({ x: 64, y: 0, width: 128, height: 256 });
  });

  it('maskSizeFor keeps the aspect and caps the long side', () => {
    expect(maskSizeFor(4272, 2848, 1024)).toEqual({ width: 1024, height: 683 });
    expect(maskSizeFor(300, 200, 1024)).toEqual({ width: 300, height: 200 });
  });

  it('hwcToChw splits planes and maps values', () => {
    const hwc = new Float32Array([1, 2, 3, 4, 5, 6]);
    expect(Array.from(hwcToChw(hwc, 2, 1, (v) => v * 10))).toEqual([10, 40, 20, 50, 30, 60]);
  });

  it('toPixelBox rounds outward, orders and clamps; empty → null', () => {
    expect(toPixelBox(-5.5, 2.2, 10.1, 8.9, 10, 8)).toEqual({ x0: 0, y0: 2, x1: 10, y1: 8 });
    expect(toPixelBox(9, 3, 1.5, 1, 10, 8)).toEqual({ x0: 1, y0: 1, x1: 9, y1: 3 });
    expect(toPixelBox(12, 0, 20, 5, 10, 8)).toBeNull();
  });

  it('iou', () => {
    const a = { x0: 0, y0: 0, x1: 10, y1: 10 };
    expect(iou(a, a)).toBe(1);
    expect(iou(a, { x0: 5, y0: 0, x1: 15, y1: 10 })).toBeCloseTo(50 / 150, 6);
    expect(iou(a, { x0: 20, y0: 20, x1: 30, y1: 30 })).toBe(0);
  });

  it('non-max suppression keeps the best of overlapping boxes, per label when asked', () => {
    const c = [
      { box: { x0: 0, y0: 0, x1: 10, y1: 10 }, score: 0.6, label: 'cat' },
      { box: { x0: 1, y0: 1, x1: 11, y1: 11 }, score: 0.9, label: 'cat' },
      { box: { x0: 1, y0: 0, x1: 10, y1: 10 }, score: 0.5, label: 'dog' },
      { box: { x0: 50, y0: 50, x1: 60, y1: 60 }, score: 0.4, label: 'cat' },
    ];
    expect(nonMaxSuppression(c, 0.5).map((k) => k.score)).toEqual([0.9, 0.4]);
    expect(nonMaxSuppression(c, 0.5, { byLabel: true }).map((k) => k.score)).toEqual([0.9, 0.5, 0.4]);
    expect(nonMaxSuppression(c, 0.5, { maxKept: 1 }).map((k) => k.score)).toEqual([0.9]);
  });
});

describe('masks', () => {
  it('probabilitiesToMask clamps and scales to 0..255', () => {
    expect(Array.from(probabilitiesToMask(new Float32Array([-1, 0, 0.5, 1, 3, Number.NaN]), 6, 1).data)).toEqual([0, 0, 128, 255, 255, 0]);
  });

  it('resampleMask: identity copies, up/down sampling keeps a half-split', () => {
    const m = { width: 4, height: 2, data: new Uint8Array([0, 0, 255, 255, 0, 0, 255, 255]) };
    const same = resampleMask(m, 4, 2);
    expect(same.data).toEqual(m.data);
    expect(same.data).not.toBe(m.data);
    const up = resampleMask(m, 8, 4);
    expect(Array.from(up.data.subarray(0, 8))).toEqual([0, 0, 0, 64, 191, 255, 255, 255]);
    const down = resampleMask(m, 2, 1);
    expect(Array.from(down.data)).toEqual([0, 255]);
  });

  it('maskStats', () => {
    const s = maskStats({ width: 4, height: 1, data: new Uint8Array([0, 255, 255, 128]) });
    expect(s.area).toBe(0.75);
    expect(s.meanInside).toBeCloseTo((255 + 255 + 128) / 3 / 255, 6);
    expect(s.contrast).toBeCloseTo((1 + 1 + 1 + 0.5 / 127.5) / 4, 6);
  });
});
