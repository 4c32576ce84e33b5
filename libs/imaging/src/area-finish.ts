/**
 * The last step of an area average (AreaAccumulator): integer-weighted sums to means,
 * and sums of squares to standard deviations. A step of its own so that the threads
 * that add bands of one image (BandSplit) finish the rows they complete themselves.
 */

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
 * deviations √(E[x²] − mean²) (mean as stored in single precision) into `spread`.
 */
export function finishAreaRange(sums: Float64Array, squares: Float64Array | null, scale: AreaScale, image: Float32Array, spread: Float32Array | null, a: number, b: number): void {
  const { norm, norm2 } = scale;
  for (let i = a; i < b; i++) image[i] = sums[i] * norm;
  if (!squares || !spread) return;
  for (let i = a; i < b; i++) {
    const mean = image[i];
    spread[i] = Math.sqrt(Math.max(0, squares[i] * norm2 - mean * mean));
  }
}
