/**
 * Resampling to the fixed working size on which attribute scores are measured.
 *
 * design.md §3: "The original scores at 512×512; score at a fixed working size too
 * (state it) so numbers do not drift with resolution." The original squashes every
 * image to 512×512; we keep the aspect ratio instead (a squash changes the neighbour
 * differences that contrast measures differently along the two axes).
 */
import { areaScale, finishAreaRange } from './area-finish.js';
import type { FloatRgbImage, RgbImage, Segmentation } from './image.js';
import { assertShape } from './image.js';
import { MAX_8BIT_HEIGHT, addRowsStaged, columnSpans, columnState, type BandFinish, type BandSplit, type ColumnShares, type ColumnState, type ColumnTarget } from './resample-columns.js';

/**
 * The working size of every attribute score: the image is resampled so that its long
 * side is exactly 512 px, the aspect ratio kept (short side = max(1, round(short · 512 /
 * long))). Images whose long side is already ≤ 512 px are NOT upscaled: they are scored
 * as they are, since an upscale only interpolates and adds no information.
 *
 * Measuring at one fixed size makes the numbers independent of the input resolution:
 * contrast (a one-pixel neighbour difference) in particular shrinks as resolution
 * grows, so without this a 24-MP and a 2-MP copy of one photo would score differently.
 */
export const WORKING_LONG_SIDE = 512;

/** The size an image of `width` × `height` is scored at (see {@link WORKING_LONG_SIDE}). */
export function workingSizeOf(width: number, height: number): { width: number; height: number } {
  assertPositiveInt(width, 'workingSizeOf: width');
  assertPositiveInt(height, 'workingSizeOf: height');
  const long = Math.max(width, height);
  if (long <= WORKING_LONG_SIDE) return { width, height };
  const short = Math.max(1, Math.round((Math.min(width, height) * WORKING_LONG_SIDE) / long));
  return width >= height ? { width: WORKING_LONG_SIDE, height: short } : { width: short, height: WORKING_LONG_SIDE };
}

/**
 * Exact area-average downsampling (a box filter whose footprint is one output pixel,
 * with fractional coverage of the source pixels cut by the footprint's borders).
 *
 * Each output pixel is the mean of the source over the rectangle it covers, so the mean
 * of the whole image is preserved for any ratio and nothing aliases. The filter is
 * separable: each source row is filtered horizontally into one row buffer, then added
 * into the (at most two) output rows it overlaps. Rows can be added in any order and by
 * several accumulators (one per thread, each on its own strip) that are merged at the
 * end; besides the output sums the extra memory is one row of `width` × 3 doubles.
 *
 * Coverage is computed in integer units (source coordinates × `width` horizontally,
 * × `height` vertically) so the weights are exact and the result is deterministic.
 *
 * With `withSquares`, the accumulator also sums squared values, giving each output
 * pixel's per-channel standard deviation over its footprint (the renderer uses it to
 * predict how a non-linear tone change shifts the area means).
 */
export class AreaAccumulator {
  readonly sums: Float64Array;
  readonly squares: Float64Array | null;
  private readonly colA: Int32Array;
  private readonly colWA: Float64Array;
  /** Whether a whole source column is the last one of its output column. */
  private readonly closes: Uint8Array;
  private readonly hrow: Float64Array;
  private readonly hrow2: Float64Array | null;
  /** Column accumulators of the 8-bit path (resample-columns.ts), allocated on first use. */
  private columns: ColumnState | null = null;
  private spans: Int32Array | null = null;
  private readonly split: BandSplit | null;
  private readonly finishing: ColumnTarget['finish'];

  /**
   * With `into`, the sums go to the given arrays (width × height × 3 each) instead of new
   * zeroed ones — with a BandSplit, shared with the threads that add the other bands of
   * the image (8-bit sources only, see BandSplit); with a BandSplit and `finish`, the
   * rows a thread completes are finished (means, spreads) into `finish`'s arrays
   * instead (their sums are not written: nothing reads them again).
   */
  constructor(
    readonly srcWidth: number,
    readonly srcHeight: number,
    readonly width: number,
    readonly height: number,
    withSquares = false,
    into?: { readonly sums: Float64Array; readonly squares: Float64Array | null; readonly split?: BandSplit; readonly finish?: BandFinish },
  ) {
    assertPositiveInt(srcWidth, 'AreaAccumulator: source width');
    assertPositiveInt(srcHeight, 'AreaAccumulator: source height');
    assertPositiveInt(width, 'AreaAccumulator: width');
    assertPositiveInt(height, 'AreaAccumulator: height');
    if (width > srcWidth || height > srcHeight) {
      throw new RangeError(`downsampleArea: target ${width}×${height} exceeds source ${srcWidth}×${srcHeight} (no upscaling)`);
    }
    this.sums = into?.sums ?? new Float64Array(width * height * 3);
    this.squares = withSquares ? (into ? into.squares : new Float64Array(width * height * 3)) : null;
    this.split = into?.split ?? null;
    this.finishing = into?.finish && this.split ? { image: into.finish.image, spread: into.finish.spread, scale: areaScale(srcWidth * srcHeight, into.finish.valueScale) } : null;
    if (this.sums.length !== width * height * 3 || (withSquares && this.squares?.length !== width * height * 3)) {
      throw new RangeError('AreaAccumulator: the given sums must hold width × height × 3 values');
    }
    // Horizontally, source column i spans [i·width, (i+1)·width) and output column x spans
    // [x·srcW, (x+1)·srcW). Because srcW ≥ width, a source column overlaps at most two
    // output columns: colA[i] with weight colWA[i], and colA[i]+1 with width − colWA[i].
    this.colA = new Int32Array(srcWidth);
    this.colWA = new Float64Array(srcWidth);
    for (let i = 0; i < srcWidth; i++) {
      const a = Math.floor((i * width) / srcWidth);
      this.colA[i] = a;
      this.colWA[i] = Math.min((i + 1) * width, (a + 1) * srcWidth) - i * width;
    }
    this.closes = new Uint8Array(srcWidth);
    for (let i = 0; i < srcWidth; i++) this.closes[i] = i + 1 === srcWidth || this.colA[i + 1] !== this.colA[i] ? 1 : 0;
    this.hrow = new Float64Array(width * 3 + 3);
    this.hrow2 = withSquares ? new Float64Array(width * 3 + 3) : null;
  }

  /** Adds source rows [y0, y1) of `src` (interleaved RGB, the full source image's buffer). */
  addRows(src: ArrayLike<number>, y0: number, y1: number): this {
    if (this.columnsPath(src)) return this.addRows8(src, y0, y1);
    if (this.split) throw new RangeError('AreaAccumulator: bands shared between threads need an 8-bit source (see bandedSums)');
    const { srcWidth: srcW, srcHeight: srcH, width, height, colA, colWA, closes, hrow, hrow2, sums, squares } = this;
    const rowLen = width * 3;
    const full = width; // a source column entirely inside one output column has weight `width`
    for (let j = y0; j < y1; j++) {
      hrow.fill(0);
      if (hrow2) hrow2.fill(0);
      const rowBase = j * srcW * 3;
      // Source columns inside one output column (most of them) take plain sums, scaled
      // by `full` once per output column below; only the straddling columns are split.
      let o: number;
      let r = 0, g = 0, b = 0, r2 = 0, g2 = 0, b2 = 0;
      for (let i = 0; i < srcW; i++) {
        const s = rowBase + i * 3;
        const R = src[s], G = src[s + 1], B = src[s + 2];
        const wA = colWA[i];
        if (wA === full) {
          r += R; g += G; b += B;
          if (hrow2) { r2 += R * R; g2 += G * G; b2 += B * B; }
          if (!closes[i]) continue;
          // The last source column of its output column: flush the plain sums.
          o = colA[i] * 3;
          hrow[o] += full * r;
          hrow[o + 1] += full * g;
          hrow[o + 2] += full * b;
          if (hrow2) {
            hrow2[o] += full * r2;
            hrow2[o + 1] += full * g2;
            hrow2[o + 2] += full * b2;
          }
          r = g = b = r2 = g2 = b2 = 0;
          continue;
        }
        // Close output column colA[i] with this column's share, open the next with the rest.
        const wB = full - wA;
        o = colA[i] * 3;
        hrow[o] += full * r + wA * R;
        hrow[o + 1] += full * g + wA * G;
        hrow[o + 2] += full * b + wA * B;
        hrow[o + 3] += wB * R;
        hrow[o + 4] += wB * G;
        hrow[o + 5] += wB * B;
        if (hrow2) {
          hrow2[o] += full * r2 + wA * R * R;
          hrow2[o + 1] += full * g2 + wA * G * G;
          hrow2[o + 2] += full * b2 + wA * B * B;
          hrow2[o + 3] += wB * R * R;
          hrow2[o + 4] += wB * G * G;
          hrow2[o + 5] += wB * B * B;
        }
        r = g = b = r2 = g2 = b2 = 0;
      }
      // Vertically, the same integer scheme: source row j spans [j·height, (j+1)·height).
      const a = Math.floor((j * height) / srcH);
      const hA = Math.min((j + 1) * height, (a + 1) * srcH) - j * height;
      const hB = height - hA;
      const baseA = a * rowLen;
      for (let k = 0; k < rowLen; k++) sums[baseA + k] += hA * hrow[k];
      if (squares && hrow2) for (let k = 0; k < rowLen; k++) squares[baseA + k] += hA * hrow2[k];
      if (hB > 0) {
        const baseB = baseA + rowLen;
        for (let k = 0; k < rowLen; k++) sums[baseB + k] += hB * hrow[k];
        if (squares && hrow2) for (let k = 0; k < rowLen; k++) squares[baseB + k] += hB * hrow2[k];
      }
    }
    return this;
  }

  /**
   * The 8-bit path (resample-columns.ts): the rows of each output row are summed per
   * source column (whole rows plainly, a straddling row with its integer weights) by
   * the WebAssembly kernels, then filtered horizontally once. Same integer sums as the
   * generic path.
   */
  private addRows8(src: Uint8Array, y0: number, y1: number): this {
    addRowsStaged(this.columnTarget(), src, [[y0, y1]]);
    return this;
  }

  /**
   * addRows over several ranges of rows in turn — e.g. the bands a thread claims while
   * others claim the rest (the sums are exact integers, so any split gives the same).
   */
  addRanges(src: ArrayLike<number>, ranges: Iterable<readonly [number, number]>): this {
    if (this.columnsPath(src)) {
      addRowsStaged(this.columnTarget(), src, ranges);
      return this;
    }
    for (const [y0, y1] of ranges) this.addRows(src, y0, y1);
    return this;
  }

  /**
   * Whether `src` takes the columns-first 8-bit path, whose per-column Int32 sums of the
   * rows of one output row stay below 2³¹ within these bounds (see MAX_8BIT_HEIGHT).
   */
  columnsPath(src: ArrayLike<number>): src is Uint8Array {
    return src instanceof Uint8Array && columnsPathFits(this.srcHeight, this.height);
  }

  /** The accumulator as a ColumnSession adds into it (8-bit sources). */
  columnTarget(): ColumnTarget {
    const state = (this.columns ??= columnState(this.srcWidth * 3, this.squares !== null));
    const spans = (this.spans ??= columnSpans(this.colA, this.colWA, this.width, this.width));
    const shares: ColumnShares = { full: this.width, spans };
    return { srcWidth: this.srcWidth, srcHeight: this.srcHeight, width: this.width, height: this.height, shares, state, sums: this.sums, squares: this.squares, split: this.split, finish: this.finishing };
  }

  /**
   * Adds another accumulator's sums (same geometry), e.g. another thread's strip; with
   * `rows` ([first, end) output rows), only those, where a strip's sums can be non-zero.
   */
  merge(other: { sums: Float64Array; squares: Float64Array | null }, rows: readonly [number, number] = [0, this.height]): this {
    const a = rows[0] * this.width * 3, b = rows[1] * this.width * 3;
    for (let i = a; i < b; i++) this.sums[i] += other.sums[i];
    if (this.squares && other.squares) for (let i = a; i < b; i++) this.squares[i] += other.squares[i];
    return this;
  }

  /**
   * The area means on the 0..255 scale (`valueScale` 1 for 8-bit or float 0..255 sources,
   * 1/257 for 16-bit) and, with squares, the per-channel standard deviations.
   */
  finish(valueScale = 1): { image: FloatRgbImage; spread: Float32Array | null } {
    return finishAreaSums(this.sums, this.squares, this.srcWidth * this.srcHeight, this.width, this.height, valueScale);
  }
}

/**
 * Whether 8-bit sources area-averaged from srcHeight to height rows take the
 * columns-first path (AreaAccumulator.addRows), whose per-column Int32 sums of the rows
 * of one output row stay below 2³¹ within these bounds (see MAX_8BIT_HEIGHT) — and so
 * can share their output sums between threads (BandSplit).
 */
export function columnsPathFits(srcHeight: number, height: number): boolean {
  return srcHeight / height < 33000 && height <= MAX_8BIT_HEIGHT;
}

/**
 * AreaAccumulator.finish on sums taken elsewhere (e.g. strips' sums added up by their
 * caller): means of `sourcePixels` source pixels per image, and standard deviations
 * with squares; the two output arrays from `allocate` (a caller that posts them to
 * other threads allocates them in shared memory).
 */
export function finishAreaSums(
  sums: Float64Array,
  squares: Float64Array | null,
  sourcePixels: number,
  width: number,
  height: number,
  valueScale = 1,
  allocate: (length: number) => Float32Array = (length) => new Float32Array(length),
): { image: FloatRgbImage; spread: Float32Array | null } {
  const out = allocate(sums.length);
  const spread = squares ? allocate(squares.length) : null;
  finishAreaRange(sums, squares, areaScale(sourcePixels, valueScale), out, spread, 0, sums.length);
  return { image: { width, height, data: out }, spread };
}

/** Value scale that brings a container's samples to 0..255. */
export function valueScaleOf(data: ArrayLike<number>): number {
  return data instanceof Uint16Array ? 1 / 257 : 1;
}

/**
 * Area-average downsampling of a whole image to `width` × `height` (see
 * {@link AreaAccumulator}). Output is on the 0..255 scale: 8-bit input as is, 16-bit
 * input divided by 257, float input (already 0..255) as is. The target must not exceed
 * the source in either dimension (RangeError); an equal size is an exact copy.
 */
export function downsampleArea(image: RgbImage | FloatRgbImage, width: number, height: number): FloatRgbImage {
  assertShape(image.width, image.height, image.data.length, 3, 'downsampleArea: source');
  const valueScale = valueScaleOf(image.data);
  if (width === image.width && height === image.height) {
    const out = new Float32Array(image.data.length);
    for (let i = 0; i < out.length; i++) out[i] = image.data[i] * valueScale;
    return { width, height, data: out };
  }
  return new AreaAccumulator(image.width, image.height, width, height).addRows(image.data, 0, image.height).finish(valueScale).image;
}

/** `image` area-averaged to its working size ({@link workingSizeOf}), on the 0..255 scale. */
export function toWorkingSize(image: RgbImage | FloatRgbImage): FloatRgbImage {
  const size = workingSizeOf(image.width, image.height);
  return downsampleArea(image, size.width, size.height);
}

/**
 * Bilinear enlargement on pixel centres (half-pixel convention, edges clamped), output
 * interleaved RGB on the 0..255 scale. Any scale works; shrinking aliases (use
 * {@link resizeRgb}, which area-averages then).
 */
export function upsampleBilinear(image: RgbImage | FloatRgbImage, width: number, height: number): Float32Array {
  const { width: srcW, height: srcH, data } = image;
  const valueScale = valueScaleOf(data);
  const x0s = new Int32Array(width), x1s = new Int32Array(width), fxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(srcW - 1, Math.max(0, ((x + 0.5) * srcW) / width - 0.5));
    x0s[x] = Math.floor(sx);
    x1s[x] = Math.min(srcW - 1, x0s[x] + 1);
    fxs[x] = sx - x0s[x];
  }
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(srcH - 1, Math.max(0, ((y + 0.5) * srcH) / height - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(srcH - 1, y0 + 1);
    const fy = sy - y0;
    const r0 = y0 * srcW * 3, r1 = y1 * srcW * 3;
    for (let x = 0; x < width; x++) {
      const a = x0s[x] * 3, b = x1s[x] * 3, fx = fxs[x];
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[r0 + a + c] + (data[r0 + b + c] - data[r0 + a + c]) * fx;
        const bottom = data[r1 + a + c] + (data[r1 + b + c] - data[r1 + a + c]) * fx;
        out[o + c] = (top + (bottom - top) * fy) * valueScale;
      }
    }
  }
  return out;
}

/**
 * Resizes to width × height on the 0..255 scale: area average when neither side grows
 * ({@link downsampleArea}, alias-free), bilinear on pixel centres otherwise
 * ({@link upsampleBilinear}). What model inputs are made from.
 */
export function resizeRgb(image: RgbImage | FloatRgbImage, width: number, height: number): FloatRgbImage {
  if (width <= image.width && height <= image.height) return downsampleArea(image, width, height);
  return { width, height, data: upsampleBilinear(image, width, height) };
}

/**
 * Nearest-neighbour resampling of a region raster by pixel centres: destination pixel x
 * takes source column floor((x + 0.5) · srcW / dstW) (likewise for rows). Labels are
 * categories, so they are never averaged. Works for any up- or down-scale.
 */
export function resampleLabelsNearest(seg: Segmentation, width: number, height: number): Uint8Array {
  const srcW = seg.width;
  const srcH = seg.height;
  assertShape(srcW, srcH, seg.labels.length, 1, 'resampleLabelsNearest: segmentation');
  assertPositiveInt(width, 'resampleLabelsNearest: width');
  assertPositiveInt(height, 'resampleLabelsNearest: height');
  // Integer form of floor((x + 0.5) · srcW / dstW): exact, no float rounding at ties.
  const cols = new Int32Array(width);
  for (let x = 0; x < width; x++) cols[x] = Math.min(srcW - 1, Math.floor(((2 * x + 1) * srcW) / (2 * width)));
  const out = new Uint8Array(width * height);
  const src = seg.labels;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(srcH - 1, Math.floor(((2 * y + 1) * srcH) / (2 * height)));
    const srow = sy * srcW;
    const orow = y * width;
    for (let x = 0; x < width; x++) out[orow + x] = src[srow + cols[x]];
  }
  return out;
}

function assertPositiveInt(v: number, what: string): void {
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${what} must be a positive integer (got ${v})`);
}
