/**
 * Edge-aware feathering of region masks with the colour guided filter
 * (K. He, J. Sun, X. Tang, "Guided Image Filtering", IEEE TPAMI 35(6), 2013, Alg. 2),
 * computed on the working-size grid and upsampled the way the fast guided filter does
 * (K. He, J. Sun, "Fast Guided Filter", arXiv:1505.00996, 2015): the linear
 * coefficients (a, b) are interpolated to full resolution and applied to the
 * full-resolution guide, so weights follow object edges at every resolution.
 * The box means run on the WebAssembly kernels, four channels at a time.
 */

import { Scratch, acquireKernels, kernels, releaseKernels, type Kernels } from '../wasm/kernels.js';

/** Operands of boxMean4 for a width × height grid, laid out on a Scratch: input, output, scratch rows (addresses). */
interface BoxOperands {
  readonly src: number;
  readonly out: number;
  readonly tmp: number;
  readonly col: number;
}

function boxOperands(scratch: Scratch, width: number, height: number): BoxOperands {
  const n = width * height;
  return { src: scratch.take(16 * n), out: scratch.take(16 * n), tmp: scratch.take(16 * n), col: scratch.take(32 * width) };
}

/**
 * Box means over the (2r+1)² window clipped to the image, of four interleaved channels
 * at once (the kernels' boxMean4: running sums in double precision, O(w·h)).
 */
export function boxMean4(src: Float32Array, width: number, height: number, radius: number): Float32Array {
  const scratch = new Scratch(kernels());
  const at = boxOperands(scratch, width, height);
  const k = scratch.commit();
  k.f32.set(src, at.src >> 2);
  k.k.boxMean4(at.src, width, height, radius, at.out, at.tmp, at.col);
  return k.f32.slice(at.out >> 2, (at.out >> 2) + 4 * width * height);
}

/**
 * The guide's local statistics, shared by every region filtered with it. They stay in a
 * kernels instance of their own (wasm/kernels.ts) for the regions' filters; `dispose`
 * hands it back once the last region is filtered.
 */
export class GuideStatistics {
  private released = false;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly radius: number,
    /** The instance holding them, and where: the guide and its means (f32 × 4 per pixel: r, g, b, –), (Σ + εU)⁻¹ (f32 × 8: rr, rg, rb, gg, gb, bb, –, –). */
    readonly kernels: Kernels,
    readonly at: { readonly guide: number; readonly mean: number; readonly inv: number; readonly end: number },
  ) {}

  dispose(): void {
    if (this.released) return;
    this.released = true;
    releaseKernels(this.kernels);
  }

  private labels: { readonly of: Uint8Array; readonly bounds: Int32Array; readonly at: number } | null = null;

  /**
   * The region raster the feathers are filtered for, copied next to the statistics once
   * (every region of a plan filters with the same one), with each label's bounding box
   * (minX, minY, maxX, maxY; maxX −1 for an absent label) from one scan.
   */
  labelsLoaded(labels: Uint8Array): { bounds: Int32Array; at: number } {
    if (this.labels?.of === labels) return this.labels;
    const { width: W, height: H } = this;
    const at = this.at.end, box = this.top;
    const k = this.kernels;
    k.ensure(box + 16 * 256);
    k.u8.set(labels, at);
    // The boxes (labelBounds) go where the regions' operands will go: read out at once.
    const b = box >> 2;
    for (let l = 0; l < 256; l++) k.i32.set([W, H, -1, -1], b + 4 * l);
    k.k.labelBounds(at, W, H, box);
    this.labels = { of: labels, bounds: k.i32.slice(b, b + 4 * 256), at };
    return this.labels;
  }

  /** Where per-region operands may start in the instance: above the statistics and the labels. */
  get top(): number {
    return this.at.end + Math.ceil((this.width * this.height) / 16) * 16;
  }
}

/**
 * Prepares the guide: its channels, local means and the inverted regularised local
 * covariance (He et al. 2013, eq. 14). `rgb255` is interleaved 0..255.
 */
export function prepareGuide(rgb255: Float32Array, width: number, height: number, radius: number, epsilon: number): GuideStatistics {
  const n = width * height;
  const k = acquireKernels();
  const scratch = new Scratch(k);
  const at = { guide: scratch.take(16 * n), mean: scratch.take(16 * n), inv: scratch.take(32 * n) };
  const end = scratch.take(0);
  const rgb = scratch.take(4 * rgb255.length);
  const box = boxOperands(scratch, width, height);
  // Nine box means, four at a time: (r, g, b, rr), (rg, rb, gg, gb), (bb, –, –, –).
  const means = [box.out, scratch.take(16 * n), scratch.take(16 * n)];
  scratch.commit();
  k.f32.set(rgb255, rgb >> 2);
  k.k.guideImage(rgb, n, at.guide);
  for (let part = 0; part < 3; part++) {
    k.k.guideProducts(at.guide, n, part, box.src);
    k.k.boxMean4(box.src, width, height, radius, means[part], box.tmp, box.col);
  }
  k.k.guideStats(means[0], means[1], means[2], n, epsilon, at.mean, at.inv);
  return new GuideStatistics(width, height, radius, k, { ...at, end });
}

/** A region's feathering coefficients on a window of the grid (zero outside it). */
export interface FeatherCoefficients {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  /** Interleaved (a_r, a_g, a_b, b) per grid node of the window, already box-averaged. */
  readonly ab: Float32Array;
}

/**
 * Filters a region's indicator (1 inside, 0 outside) with the guide and returns the
 * box-averaged linear coefficients, on the region's bounding box grown by the
 * filter's reach (2r + 1), outside which they are exactly zero. The regions filtered
 * with one `stats` share one raster (`labels`, not changed in between: see labelsLoaded).
 */
export function featherCoefficients(stats: GuideStatistics, labels: Uint8Array, id: number): FeatherCoefficients {
  const { width: W, height: H, radius: r } = stats;
  const { bounds, at: lab } = stats.labelsLoaded(labels);
  const minX = bounds[4 * id], minY = bounds[4 * id + 1], maxX = bounds[4 * id + 2], maxY = bounds[4 * id + 3];
  if (maxX < 0) return { x0: 0, y0: 0, width: 0, height: 0, ab: new Float32Array(0) };
  const reach = 2 * r + 1;
  const x0 = Math.max(0, minX - reach), y0 = Math.max(0, minY - reach);
  const w = Math.min(W - 1, maxX + reach) - x0 + 1;
  const h = Math.min(H - 1, maxY + reach) - y0 + 1;
  const n = w * h;
  // The region's operands above the guide's statistics (and the labels) in their instance.
  const k = stats.kernels;
  const scratch = new Scratch(k, stats.top);
  const box = boxOperands(scratch, w, h);
  scratch.commit();
  // Box means of (p, I·p), p the region's indicator; the linear coefficients; their box means.
  k.k.featherInput(lab, stats.at.guide, W, x0, y0, w, h, id, box.src);
  k.k.boxMean4(box.src, w, h, r, box.out, box.tmp, box.col);
  k.k.featherLinear(box.out, stats.at.mean, stats.at.inv, W, x0, y0, w, h, box.src);
  k.k.boxMean4(box.src, w, h, r, box.out, box.tmp, box.col);
  // Flat parts snapped to exact 0/1, so that interiors take the fast path and pixels far
  // from the region stay bit-identical.
  k.k.featherSnap(box.out, n);
  const ab = k.f32.slice(box.out >> 2, (box.out >> 2) + 4 * n);
  return { x0, y0, width: w, height: h, ab };
}
