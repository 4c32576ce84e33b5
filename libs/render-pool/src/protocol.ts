import type { CalibrationTable, PlanSource, RegionLutRequest, RegionSolveRequest, RegionSolveResponse, RenderPlan } from '@pertouch/imaging';

/** An image whose pixels live in shared memory, so every thread reads and writes them in place. */
export interface SharedImage {
  readonly width: number;
  readonly height: number;
  readonly depth: 8 | 16;
  readonly buffer: SharedArrayBuffer;
}

/**
 * Area sums every thread of a pass writes into (8-bit images): the rows lying wholly in
 * its bands finished (means, spreads), and the parts of the rows the bands' boundaries
 * cut in those boundaries' slots (see BandSplit in @pertouch/imaging; the bands are the
 * task's claims, from y0), to be completed in the output sums. Nothing is then sent back
 * or added up, and only the cut rows are left to finish.
 */
export interface SharedSums {
  readonly sums: SharedArrayBuffer;
  readonly squares: SharedArrayBuffer | null;
  readonly splitSums: SharedArrayBuffer;
  readonly splitSquares: SharedArrayBuffer | null;
  /** The finished means (f32) and, with squares, spreads that each thread writes for the rows it completes (see BandFinish), on the source's value scale. */
  readonly image: SharedArrayBuffer;
  readonly spread: SharedArrayBuffer | null;
  readonly valueScale: number;
}

/** Area-average rows [y0, y1) of `src` to width × height (with `claim`: the bands it claims, see ApplyTask; with `into`, into shared sums). */
export interface DownsampleTask {
  readonly kind: 'downsample';
  readonly src: SharedImage;
  readonly width: number;
  readonly height: number;
  readonly squares: boolean;
  readonly y0: number;
  readonly y1: number;
  readonly claim?: { readonly counter: SharedArrayBuffer; readonly rows: number };
  readonly into?: SharedSums;
}

/**
 * Apply `plan` to rows [y0, y1) of `src` into `dst`; with `measure`, also area-average
 * those output rows. With `claim`, only the bands of `claim.rows` rows this task claims
 * from the shared counter (the next row to claim, Int32 at 0, starting at y0), while
 * the other threads' tasks claim the rest.
 */
export interface ApplyTask {
  readonly kind: 'apply';
  readonly plan: RenderPlan;
  readonly src: SharedImage;
  readonly dst: SharedImage;
  readonly measure: { readonly width: number; readonly height: number } | null;
  readonly y0: number;
  readonly y1: number;
  readonly claim?: { readonly counter: SharedArrayBuffer; readonly rows: number };
  /** With `measure` and `claim`: the measurement's shared sums (see SharedSums). */
  readonly into?: SharedSums;
}

/**
 * Solve regions of a planning round (solveRegion), at the working size: all of
 * `requests`, or with `claim` (an Int32 counter at 0, shared by every task of the
 * round) the ones this task takes, one at a time, until none are left.
 */
export interface SolveTask {
  readonly kind: 'solve';
  readonly requests: readonly RegionSolveRequest[];
  readonly source: PlanSource;
  readonly table: CalibrationTable;
  readonly claim?: SharedArrayBuffer;
}

/** Sample regions' final LUTs (regionLut): all of `requests`, or those taken from `claim` (see SolveTask). */
export interface LutTask {
  readonly kind: 'luts';
  readonly requests: readonly RegionLutRequest[];
  readonly claim?: SharedArrayBuffer;
}

export type Task = DownsampleTask | ApplyTask | SolveTask | LutTask;

/** Area sums of a strip (see AreaAccumulator; null when written into SharedSums), a planning round's solves or LUTs, transferred back to the caller. */
export interface TaskResult {
  readonly sums: Float64Array | null;
  readonly squares: Float64Array | null;
  /** The output rows [first, end) the sums cover (all others are zero). */
  readonly rows: readonly [number, number] | null;
  readonly solves: readonly RegionSolveResponse[] | null;
  /** The LUTs this task sampled, and the index in the task's requests of each. */
  readonly luts: readonly Float32Array[] | null;
  readonly lutIndices: readonly number[] | null;
}
