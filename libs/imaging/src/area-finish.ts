/**
 * The last step of an area average (AreaAccumulator): integer-weighted sums to means,
 * and sums of squares to standard deviations. A step of its own so that the threads
 * that add bands of one image (BandSplit) finish the rows they complete themselves.
 * The formula is the kernels' finishRow, in one place: the threads call it on the rows
 * already in the kernels' memory (resample-columns.ts), everything else through
 * finishAreaRange.
 */

import { Scratch, kernels } from './wasm/kernels.js';

/** Scale factors of the finish: sums × norm = means on the 0..255 scale; squares × norm2 = mean squares. */
export interface AreaScale {
  readonly norm: number;
  readonly norm2: number;
}

/** The finish's factors for `sourcePixels` source pixels per output image and the sources' value scale (see valueScaleOf). */
export function areaScale(sourcePixels: number, valueScale: number): AreaScale {
  return { norm: valueScale / sourcePixels, norm2: (valueScale * valueScale) / sourcePixels };
}

/**
 * Means of values [a, b) of `sums` into `image`, and with squares the standard
 * deviations √max(0, E[x²] − mean²) (mean as stored in single precision) into `spread`
 * (the kernels' finishRow).
 */
export function finishAreaRange(sums: Float64Array, squares: Float64Array | null, scale: AreaScale, image: Float32Array, spread: Float32Array | null, a: number, b: number): void {
  const n = b - a;
  if (n <= 0) return;
  const withSpread = squares !== null && spread !== null;
  const scratch = new Scratch(kernels());
  const at = { sums: scratch.take(8 * n), squares: withSpread ? scratch.take(8 * n) : 0, image: scratch.take(4 * n), spread: withSpread ? scratch.take(4 * n) : 0 };
  const k = scratch.commit();
  k.f64.set(sums.subarray(a, b), at.sums >> 3);
  if (withSpread) k.f64.set(squares.subarray(a, b), at.squares >> 3);
  k.k.finishRow(at.sums, at.squares, n, scale.norm, scale.norm2, at.image, at.spread);
  image.set(k.f32.subarray(at.image >> 2, (at.image >> 2) + n), a);
  if (withSpread) spread.set(k.f32.subarray(at.spread >> 2, (at.spread >> 2) + n), a);
}
