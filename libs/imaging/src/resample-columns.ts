/**
 * The 8-bit path of the area accumulator (resample.ts), columns first, on the
 * WebAssembly SIMD kernels (wasm/kernels.ts).
 *
 * The exact area average sums integer-weighted samples: a source row weighs `height`
 * units in the output row(s) it falls in (split hA + hB where it straddles two), a
 * source column `width` units likewise. For 8-bit sources the rows of one output row
 * are added first — plain integer sums per column, sixteen samples per SIMD step — and
 * filtered horizontally once per output row. Integer arithmetic throughout (the
 * horizontal filter in doubles holding integers), so the sums are the same integers as
 * the generic path's, in any order and any split into strips.
 */

import type { AreaScale } from './area-finish.js';
import { Scratch, kernels, type Kernels } from './wasm/kernels.js';

/**
 * The 8-bit path's integer column sums stay below 2³¹ while an output row spans fewer
 * than 33 000 source rows (plain squares) and the output is at most this many rows high
 * (two straddling rows' weighted squares, 2·height·255²).
 */
export const MAX_8BIT_HEIGHT = 16384;

/** How a source row spreads over the output rows, in integer units (see AreaAccumulator). */
export function rowShares(j: number, srcHeight: number, height: number): { row: number; first: number; second: number } {
  const row = Math.floor((j * height) / srcHeight);
  const first = Math.min((j + 1) * height, (row + 1) * srcHeight) - j * height;
  return { row, first, second: height - first };
}

/** Horizontal geometry of the area average, per output column, for the kernels' flushSpans. */
export interface ColumnShares {
  /** Units of a source column entirely inside one output column (the output width). */
  readonly full: number;
  /** See columnSpans. */
  readonly spans: Int32Array;
}

/**
 * Per output column (i32 × 4): its first whole source column, the number of whole
 * columns, the source column it shares with the next output column (−1: none) and that
 * column's weight in it — flushSpans's operands, from colA / colWA.
 */
export function columnSpans(colA: Int32Array, colWA: Float64Array, full: number, width: number): Int32Array {
  const spans = new Int32Array(4 * width).fill(-1);
  for (let j = 0; j < width; j++) spans[4 * j + 1] = 0;
  for (let i = 0; i < colA.length; i++) {
    const j = colA[i];
    if (colWA[i] === full) {
      if (spans[4 * j + 1] === 0) spans[4 * j] = i;
      spans[4 * j + 1]++;
    } else {
      spans[4 * j + 2] = i;
      spans[4 * j + 3] = colWA[i];
    }
  }
  for (let j = 0; j < width; j++) if (spans[4 * j] < 0) spans[4 * j] = 0;
  return spans;
}

/**
 * Output rows shared by bands of rows that different threads add (render-pool claims
 * bands of `rows` source rows from `first`): each thread writes the output rows that
 * lie wholly in one of its bands straight into the target's sums (with a BandFinish,
 * finishes them straight into its arrays instead), and the two parts of a row cut by a
 * band boundary into this boundary's two slots; mergeBandSplits adds the parts once
 * every band is done. A band must be longer than an output row's source
 * rows (a row is cut by one boundary at most).
 */
export interface BandSplit {
  readonly first: number;
  readonly rows: number;
  /** Per boundary k (at first + k · rows, k ≥ 1) two rows of width × 3: the part above it (slot 2k) and below it (2k + 1). */
  readonly sums: Float64Array;
  readonly squares: Float64Array | null;
}

/** Where the threads of a BandSplit finish the rows they complete (see finishAreaRange): means, spreads (with squares), on the sources' value scale. */
export interface BandFinish {
  readonly image: Float32Array;
  readonly spread: Float32Array | null;
  readonly valueScale: number;
}

/** Slot rows a BandSplit needs for source rows [first, end). */
export function bandSplitRows(first: number, end: number, rows: number): number {
  return 2 * (Math.ceil((end - first) / rows) + 1);
}

/** First and last source row that add to output row `row` (area average of srcHeight rows into height). */
function sourceRowsOf(row: number, srcHeight: number, height: number): [number, number] {
  return [Math.floor((row * srcHeight) / height), Math.ceil(((row + 1) * srcHeight) / height) - 1];
}

/**
 * Completes the output rows cut by band boundaries (see BandSplit): each such row's sums
 * are its two parts' sums. Call once every band of [first, end) has been added; returns
 * the rows it completed.
 */
export function mergeBandSplits(split: BandSplit, end: number, srcHeight: number, width: number, height: number, sums: Float64Array, squares: Float64Array | null): number[] {
  const merged: number[] = [];
  const outLen = width * 3;
  for (let k = 1, b = split.first + split.rows; b < end; k++, b += split.rows) {
    // The row that source row b adds to first is the only one b can cut (see BandSplit).
    const row = Math.floor((b * height) / srcHeight);
    if (sourceRowsOf(row, srcHeight, height)[0] >= b) continue;
    const above = 2 * k * outLen, below = above + outLen, base = row * outLen;
    for (let i = 0; i < outLen; i++) sums[base + i] = split.sums[above + i] + split.sums[below + i];
    if (squares && split.squares) for (let i = 0; i < outLen; i++) squares[base + i] = split.squares[above + i] + split.squares[below + i];
    merged.push(row);
  }
  return merged;
}

/** The per-column accumulators an AreaAccumulator keeps between calls (one row of samples each). */
export interface ColumnState {
  readonly plain: Int32Array;
  readonly plainSq: Int32Array | null;
  /** Straddling rows times their integer weights (< 2·height·255², see MAX_8BIT_HEIGHT). */
  readonly weighted: Int32Array;
  readonly weightedSq: Int32Array | null;
}

export function columnState(rowLength: number, withSquares: boolean): ColumnState {
  return {
    plain: new Int32Array(rowLength),
    plainSq: withSquares ? new Int32Array(rowLength) : null,
    weighted: new Int32Array(rowLength),
    weightedSq: withSquares ? new Int32Array(rowLength) : null,
  };
}

/** What a session adds into: the accumulator's geometry and output sums. */
export interface ColumnTarget {
  readonly srcWidth: number;
  readonly srcHeight: number;
  readonly width: number;
  readonly height: number;
  readonly shares: ColumnShares;
  readonly state: ColumnState;
  readonly sums: Float64Array;
  readonly squares: Float64Array | null;
  /** Set when other threads add other bands into the same sums (see BandSplit); else rows are added (+=) into sums. */
  readonly split: BandSplit | null;
  /** With a split: where the rows completed in a band are finished (see BandFinish), instead of written into `sums`. */
  readonly finish: { readonly image: Float32Array; readonly spread: Float32Array | null; readonly scale: AreaScale } | null;
}

/**
 * One synchronous stretch of adding 8-bit rows that already lie in the kernels' memory:
 * the column state is copied in on `open` (laid out on the caller's Scratch) and back on
 * `close`; rows are added in order with `add`. Callers stage the rows themselves (the
 * full-resolution pass measures its output rows where it rendered them).
 */
export class ColumnSession {
  private kernels!: Kernels;
  private readonly rowLength: number;
  private readonly at: { plain: number; plainSq: number; weighted: number; weightedSq: number; spans: number; out: number; outSq: number; image: number; spread: number };
  private current = -1;
  /** The band being added, [a, b) (see range): only used with a BandSplit. */
  private bandStart = 0;
  private bandEnd = Infinity;

  /** Reserves the session's operands on `scratch` (call `open` after the scratch is committed). */
  constructor(private readonly target: ColumnTarget, scratch: Scratch) {
    const rowLength = (this.rowLength = target.srcWidth * 3);
    const sq = target.squares !== null;
    const outLen = target.width * 3;
    this.at = {
      plain: scratch.take(4 * rowLength),
      plainSq: sq ? scratch.take(4 * rowLength) : 0,
      weighted: scratch.take(4 * rowLength),
      weightedSq: sq ? scratch.take(4 * rowLength) : 0,
      spans: scratch.take(16 * target.width),
      out: scratch.take(8 * outLen),
      outSq: sq ? scratch.take(8 * outLen) : 0,
      // A finished row (see flush), before it is copied out.
      image: target.finish ? scratch.take(4 * outLen) : 0,
      spread: target.finish?.spread ? scratch.take(4 * outLen) : 0,
    };
  }

  /** Copies the column state and geometry into the (committed) kernels' memory. */
  open(k: Kernels): this {
    this.kernels = k;
    const { state, shares } = this.target;
    const a = this.at;
    k.i32.set(state.plain, a.plain >> 2);
    k.i32.set(state.weighted, a.weighted >> 2);
    if (state.plainSq && state.weightedSq) {
      k.i32.set(state.plainSq, a.plainSq >> 2);
      k.i32.set(state.weightedSq, a.weightedSq >> 2);
    }
    k.i32.set(shares.spans, a.spans >> 2);
    return this;
  }

  /**
   * Declares the band of source rows [a, b) the next rows belong to (with a BandSplit,
   * where the output rows that cross its ends go; see BandSplit). Flushes the output row
   * pending from the previous band.
   */
  range(a: number, b: number): void {
    if (this.current >= 0) this.flush(this.current);
    this.current = -1;
    this.bandStart = a;
    this.bandEnd = b;
  }

  /** Adds source rows [j0, j1), row j0 at address `rows` in the kernels' memory, rows contiguous. */
  add(rows: number, j0: number, j1: number): void {
    const { k } = this.kernels;
    const { srcHeight, height } = this.target;
    const a = this.at;
    const n = this.rowLength;
    let j = j0;
    while (j < j1) {
      const { row, first, second } = rowShares(j, srcHeight, height);
      if (row !== this.current && this.current >= 0) this.flush(this.current);
      this.current = row;
      const p = rows + (j - j0) * n;
      if (second > 0) {
        // Straddles output rows `row` and `row + 1`: close the first, open the second.
        k.addWeightedRow(p, n, first, a.weighted, a.weightedSq);
        this.flush(row);
        k.addWeightedRow(p, n, second, a.weighted, a.weightedSq);
        this.current = row + 1;
        j++;
        continue;
      }
      // The run of whole rows of this output row (up to a straddling row or the stretch's end).
      let end = j + 1;
      while (end < j1) {
        const s = rowShares(end, srcHeight, height);
        if (s.row !== row || s.second !== 0) break;
        end++;
      }
      k.addRows(p, n, end - j, a.plain, a.plainSq);
      j = end;
    }
  }

  /** Flushes what is pending and copies the column state back out. */
  close(): void {
    if (this.current >= 0) this.flush(this.current);
    this.current = -1;
    const k = this.kernels;
    const { state } = this.target;
    const a = this.at;
    state.plain.set(k.i32.subarray(a.plain >> 2, (a.plain >> 2) + this.rowLength));
    state.weighted.set(k.i32.subarray(a.weighted >> 2, (a.weighted >> 2) + this.rowLength));
    if (state.plainSq && state.weightedSq) {
      state.plainSq.set(k.i32.subarray(a.plainSq >> 2, (a.plainSq >> 2) + this.rowLength));
      state.weightedSq.set(k.i32.subarray(a.weightedSq >> 2, (a.weightedSq >> 2) + this.rowLength));
    }
  }

  /** Filters the pending column totals of output row `row` into the target's sums (and resets them). */
  private flush(row: number): void {
    const { squares, width } = this.target;
    const a = this.at;
    const outLen = width * 3;
    const k = this.kernels;
    const at = this.destination(row);
    this.filter(a.plain, a.weighted, a.out);
    if (squares && at.squares) this.filter(a.plainSq, a.weightedSq, a.outSq);
    const finish = this.target.finish;
    if (finish && at.sums === this.target.sums) {
      // A row completed in this band: finished here (means, spreads; the kernels'
      // finishRow), and only the finished row written — nothing reads its sums again.
      const sq = squares && at.squares ? a.outSq : 0;
      k.k.finishRow(a.out, sq, outLen, finish.scale.norm, finish.scale.norm2, a.image, a.spread);
      const base = at.row * outLen;
      finish.image.set(k.f32.subarray(a.image >> 2, (a.image >> 2) + outLen), base);
      if (sq && finish.spread) finish.spread.set(k.f32.subarray(a.spread >> 2, (a.spread >> 2) + outLen), base);
      return;
    }
    const f64 = k.f64;
    if (at.add) {
      for (let i = 0, o = a.out >> 3, base = at.row * outLen; i < outLen; i++) at.sums[base + i] += f64[o + i];
    } else {
      at.sums.set(f64.subarray(a.out >> 3, (a.out >> 3) + outLen), at.row * outLen);
    }
    if (squares && at.squares) {
      if (at.add) {
        for (let i = 0, o = a.outSq >> 3, base = at.row * outLen; i < outLen; i++) at.squares[base + i] += f64[o + i];
      } else {
        at.squares.set(f64.subarray(a.outSq >> 3, (a.outSq >> 3) + outLen), at.row * outLen);
      }
    }
  }

  /** One output row's filter (the kernels' flushSpans) into `out`. */
  private filter(plain: number, weighted: number, out: number): void {
    const { srcWidth, height, width, shares } = this.target;
    this.kernels.k.flushSpans(plain, weighted, height, this.at.spans, width, shares.full, srcWidth, out);
  }

  /**
   * Where output row `row` goes: added into the sums (no BandSplit), written there (it
   * lies wholly in the current band), or written into the slot of the band boundary
   * that cuts it.
   */
  private destination(row: number): { sums: Float64Array; squares: Float64Array | null; row: number; add: boolean } {
    const { split, sums, squares, srcHeight, height } = this.target;
    if (!split) return { sums, squares, row, add: true };
    const [first, last] = sourceRowsOf(row, srcHeight, height);
    const cutAbove = first < this.bandStart, cutBelow = last >= this.bandEnd;
    if (!cutAbove && !cutBelow) return { sums, squares, row, add: false };
    if (cutAbove && cutBelow) throw new RangeError(`ColumnSession: output row ${row} spans the whole band [${this.bandStart}, ${this.bandEnd}) (bands too short)`);
    const boundary = cutAbove ? this.bandStart : this.bandEnd;
    const k = (boundary - split.first) / split.rows;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`ColumnSession: row ${boundary} is not a band boundary`);
    // The band below a boundary holds the row's lower part (slot 2k + 1), the band above it the upper part (2k).
    return { sums: split.sums, squares: split.squares, row: 2 * k + (cutAbove ? 1 : 0), add: false };
  }
}

/** Rows of a staging band: about 256 KiB of samples, at least one row. */
export function bandRows(rowLength: number): number {
  return Math.max(1, Math.floor(262144 / rowLength));
}

/** Adds 8-bit rows of `src` (a JavaScript array), each range [y0, y1) in turn, through the kernels, a band at a time. */
export function addRowsStaged(target: ColumnTarget, src: Uint8Array, ranges: Iterable<readonly [number, number]>): void {
  const scratch = new Scratch(kernels());
  const session = new ColumnSession(target, scratch);
  const rowLength = target.srcWidth * 3;
  const rows = bandRows(rowLength);
  const band = scratch.take(rows * rowLength);
  const k = scratch.commit();
  session.open(k);
  for (const [y0, y1] of ranges) {
    session.range(y0, y1);
    for (let j = y0; j < y1; j += rows) {
      const j1 = Math.min(y1, j + rows);
      k.u8.set(src.subarray(j * rowLength, j1 * rowLength), band);
      session.add(band, j, j1);
    }
  }
  session.close();
}
