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

/** Horizontal geometry of the area average: per source column its first output column, weight there, and whether it closes it. */
export interface ColumnShares {
  readonly colA: Int32Array;
  readonly colWA: Float64Array;
  readonly closes: Uint8Array;
  /** Units of a source column entirely inside one output column (the output width). */
  readonly full: number;
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
  private readonly at: { plain: number; plainSq: number; weighted: number; weightedSq: number; colA: number; colWA: number; closes: number; out: number; outSq: number };
  private current = -1;

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
      colA: scratch.take(4 * target.srcWidth),
      colWA: scratch.take(8 * target.srcWidth),
      closes: scratch.take(target.srcWidth),
      out: scratch.take(8 * outLen),
      outSq: sq ? scratch.take(8 * outLen) : 0,
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
    k.i32.set(shares.colA, a.colA >> 2);
    k.f64.set(shares.colWA, a.colWA >> 3);
    k.u8.set(shares.closes, a.closes);
    return this;
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

  /** Filters the pending column totals of output row `row` into the accumulator's sums (and resets them). */
  private flush(row: number): void {
    const { k } = this.kernels;
    const { srcWidth, height, width, shares, sums, squares } = this.target;
    const a = this.at;
    const outLen = width * 3;
    const base = row * outLen;
    k.flushColumns(a.plain, a.weighted, height, a.colA, a.colWA, a.closes, shares.full, srcWidth, a.out, outLen);
    const f64 = this.kernels.f64;
    for (let i = 0, o = a.out >> 3; i < outLen; i++) sums[base + i] += f64[o + i];
    if (squares) {
      k.flushColumns(a.plainSq, a.weightedSq, height, a.colA, a.colWA, a.closes, shares.full, srcWidth, a.outSq, outLen);
      for (let i = 0, o = a.outSq >> 3; i < outLen; i++) squares[base + i] += f64[o + i];
    }
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
    for (let j = y0; j < y1; j += rows) {
      const j1 = Math.min(y1, j + rows);
      k.u8.set(src.subarray(j * rowLength, j1 * rowLength), band);
      session.add(band, j, j1);
    }
  }
  session.close();
}
