/**
 * The plan rendered at the working size, the way the full-resolution pass renders the
 * whole image, so that planning can measure what the render will measure: each pixel's
 * two sigma points (mean ± spread of its full-resolution block, see proxy.ts) are
 * blended region by region with the feathered weights and averaged.
 *
 * The weights depend only on the feathering and the pixels, not on the strengths, so
 * they are computed once; each measurement then costs one LUT lookup per region a
 * pixel belongs to or borders.
 */

import { analyzeWorking, type PreparedImage } from '../analysis.js';
import type { CalibrationTable } from '../calibration/table.js';
import type { AttributeRecord } from '../image.js';
import type { FeatherCoefficients } from './guided-filter.js';
import { tetrahedral } from './lut.js';

interface RegionWeights {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  /** Weights at the window's pixels for the high and the low sigma image. */
  readonly hi: Float32Array;
  readonly lo: Float32Array;
}

export class WorkingSimulator {
  private readonly hi: Float32Array;
  private readonly lo: Float32Array;
  private readonly weights: RegionWeights[];
  private readonly outHi: Float32Array;
  private readonly outLo: Float32Array;

  constructor(
    private readonly prepared: PreparedImage,
    feathers: readonly FeatherCoefficients[],
  ) {
    const { work, spread } = prepared;
    const n = work.data.length;
    this.hi = new Float32Array(n);
    this.lo = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const m = work.data[i], s = spread ? spread[i] : 0;
      this.hi[i] = Math.min(255, m + s);
      this.lo[i] = Math.max(0, m - s);
    }
    this.weights = feathers.map((f) => this.weightsOf(f));
    this.outHi = new Float32Array(n);
    this.outLo = new Float32Array(n);
  }

  /** w = clamp(a·I + b, 0, 1) at each pixel of the feather window (guided filter, He et al. 2013). */
  private weightsOf(f: FeatherCoefficients): RegionWeights {
    const W = this.prepared.work.width;
    const hi = new Float32Array(f.width * f.height), lo = new Float32Array(f.width * f.height);
    for (let y = 0; y < f.height; y++) {
      for (let x = 0; x < f.width; x++) {
        const k = y * f.width + x, p = 3 * ((y + f.y0) * W + x + f.x0), o = 4 * k;
        const [a0, a1, a2, b] = [f.ab[o], f.ab[o + 1], f.ab[o + 2], f.ab[o + 3]];
        const wh = (a0 * this.hi[p] + a1 * this.hi[p + 1] + a2 * this.hi[p + 2]) / 255 + b;
        const wl = (a0 * this.lo[p] + a1 * this.lo[p + 1] + a2 * this.lo[p + 2]) / 255 + b;
        hi[k] = wh <= 0 ? 0 : wh >= 1 ? 1 : wh;
        lo[k] = wl <= 0 ? 0 : wl >= 1 ? 1 : wl;
      }
    }
    return { x0: f.x0, y0: f.y0, width: f.width, height: f.height, hi, lo };
  }

  /** Renders with one LUT per region (sRGB-encoded 0..1, `lutSize`³) and measures every region. */
  measure(luts: readonly Float32Array[], lutSize: number, table: CalibrationTable): Map<number, AttributeRecord> {
    const { work, labels } = this.prepared;
    const W = work.width;
    const { hi, lo, outHi, outLo } = this;
    outHi.set(hi);
    outLo.set(lo);
    const scale = (lutSize - 1) / 255;
    const t = new Float64Array(3);
    for (let k = 0; k < this.weights.length; k++) {
      const wk = this.weights[k], lut = luts[k];
      for (let y = 0; y < wk.height; y++) {
        for (let x = 0; x < wk.width; x++) {
          const i = y * wk.width + x, p = 3 * ((y + wk.y0) * W + x + wk.x0);
          for (const [src, out, w] of [[hi, outHi, wk.hi[i]], [lo, outLo, wk.lo[i]]] as const) {
            if (w === 0) continue;
            tetrahedral(lut, lutSize, src[p] * scale, src[p + 1] * scale, src[p + 2] * scale, t);
            out[p] += w * (t[0] * 255 - src[p]);
            out[p + 1] += w * (t[1] * 255 - src[p + 1]);
            out[p + 2] += w * (t[2] * 255 - src[p + 2]);
          }
        }
      }
    }
    const mean = new Float32Array(outHi.length);
    for (let i = 0; i < mean.length; i++) {
      const h = outHi[i] <= 0 ? 0 : outHi[i] >= 255 ? 255 : outHi[i];
      const l = outLo[i] <= 0 ? 0 : outLo[i] >= 255 ? 255 : outLo[i];
      mean[i] = (h + l) / 2;
    }
    const { regions } = analyzeWorking({ width: W, height: work.height, data: mean }, labels, table);
    return new Map(regions.map((r) => [r.id, r.values]));
  }
}
