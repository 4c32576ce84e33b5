import { describe, expect, it } from 'vitest';
import { compositeTaps, halfPixelSource, upsampleLowResMask } from './mask-upsample.js';

/** Reference: PyTorch-style half-pixel bilinear resize of a w×h plane, done naively. */
function resize(src: Float32Array, w: number, h: number, outW: number, outH: number): Float32Array {
  const out = new Float32Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    const sy = halfPixelSource(y, h, outH), y0 = Math.floor(sy), y1 = Math.min(y0 + 1, h - 1), fy = sy - y0;
    for (let x = 0; x < outW; x++) {
      const sx = halfPixelSource(x, w, outW), x0 = Math.floor(sx), x1 = Math.min(x0 + 1, w - 1), fx = sx - x0;
      const top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
      const bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
      out[y * outW + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** Reference: SAM's mask_postprocessing step by step (upscale to the frame, crop, resize). */
function reference(low: Float32Array, lowSide: number, frame: number, cropW: number, cropH: number, outW: number, outH: number): Float32Array {
  const full = resize(low, lowSide, lowSide, frame, frame);
  const cropped = new Float32Array(cropW * cropH);
  for (let y = 0; y < cropH; y++) cropped.set(full.subarray(y * frame, y * frame + cropW), y * cropW);
  return resize(cropped, cropW, cropH, outW, outH);
}

function randomPlane(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

describe('compositeTaps', () => {
  it('weights of every output sum to 1', () => {
    const taps = compositeTaps(16, 64, 40, 97);
    for (let o = 0; o < 97; o++) {
      expect(taps.weights[3 * o] + taps.weights[3 * o + 1] + taps.weights[3 * o + 2]).toBeCloseTo(1, 6);
    }
  });
});

describe('upsampleLowResMask', () => {
  for (const [outW, outH] of [[50, 31], [200, 125], [64, 40], [7, 4]]) {
    it(`equals the step-by-step SAM post-processing (output ${outW}×${outH})`, () => {
      const lowSide = 16, frame = 64, cropW = 64, cropH = 40;
      const low = randomPlane(2 * lowSide * lowSide, outW);
      const got = upsampleLowResMask(low, lowSide * lowSide, { width: lowSide, height: lowSide }, frame, { width: cropW, height: cropH }, { width: outW, height: outH });
      const want = reference(low.subarray(lowSide * lowSide), lowSide, frame, cropW, cropH, outW, outH);
      expect(got.length).toBe(want.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst).toBeLessThan(1e-5);
    });
  }
});
