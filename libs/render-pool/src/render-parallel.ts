import {
  areaScale,
  bandSplitRows,
  columnsPathFits,
  finishAreaRange,
  finishAreaSums,
  mergeBandSplits,
  planSteps,
  prepareWorking,
  recordAchieved,
  valueScaleOf,
  workingSizeOf,
  type CalibrationTable,
  type FloatRgbImage,
  type ParameterMap,
  type PlannedRender,
  type PlanSource,
  type PreparedImage,
  type RegionSolveRequest,
  type RenderPlan,
  type RenderResult,
  type RgbImage,
  type Segmentation,
} from '@pertouch/imaging';
import type { RenderPool } from './pool.js';
import type { SharedImage, SharedSums, TaskResult } from './protocol.js';
import { viewOf } from './run-task.js';

/**
 * Copies an image into shared memory (a no-op when it already lives there), into
 * `allocate(bytes)`'s buffer when given (RenderPool.shareBuffer: pages mapped beforehand).
 */
export function toShared(image: RgbImage, allocate: (bytes: number) => SharedArrayBuffer = (bytes) => new SharedArrayBuffer(bytes)): SharedImage {
  const depth = image.data instanceof Uint16Array ? 16 : 8;
  if (image.data.buffer instanceof SharedArrayBuffer && image.data.byteOffset === 0 && image.data.byteLength === image.data.buffer.byteLength) {
    return { width: image.width, height: image.height, depth, buffer: image.data.buffer };
  }
  const buffer = allocate(image.data.byteLength);
  (depth === 16 ? new Uint16Array(buffer) : new Uint8Array(buffer)).set(image.data);
  return { width: image.width, height: image.height, depth, buffer };
}

/** A typed array's copy in shared memory, so posting it to a worker shares it instead of cloning it. */
function shareArray<T extends Float32Array | Uint8Array | Uint32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

/** Rows per band a thread claims in the full-resolution passes (≈ 1/45 of a 12 MP image; a claim costs an atomic add). */
const CLAIM_ROWS = 64;

/** A zeroed Float32Array in shared memory. */
function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * length));
}

/** The plan with its large arrays (LUTs, feathering coefficients, cell maps) in shared memory. */
export function sharePlan(plan: RenderPlan): RenderPlan {
  return {
    ...plan,
    cellMode: shareArray(plan.cellMode),
    cellRegions: shareArray(plan.cellRegions),
    regions: plan.regions.map((r) => ({ ...r, lut: shareArray(r.lut), feather: { ...r.feather, ab: shareArray(r.feather.ab) } })),
  };
}

/** The planning source with its arrays in shared memory: every solve task reads it without a copy. */
function shareSource(source: PlanSource): PlanSource {
  const coarse = source.coarse;
  return {
    work: { ...source.work, data: shareArray(source.work.data) },
    spread: source.spread && shareArray(source.spread),
    labels: shareArray(source.labels),
    coarse: coarse && { work: { ...coarse.work, data: shareArray(coarse.work.data) }, spread: coarse.spread && shareArray(coarse.spread), labels: shareArray(coarse.labels) },
  };
}

/**
 * The tasks of a pass over `count` items (region solves, LUTs): one per thread (at most
 * one per item), all taking items from one shared counter (see SolveTask). Fixed shares
 * were balanced by the items' sizes, yet on a two-core machine one worker often shares
 * its core with the calling thread (which computes the feathering meanwhile) and took
 * twice as long as the other, which then sat idle.
 */
function claimedTasks<T>(pool: RenderPool, count: number, task: (claim: SharedArrayBuffer) => T): T[] {
  const claim = new SharedArrayBuffer(4);
  return Array.from({ length: Math.max(1, Math.min(pool.threads, count)) }, () => task(claim));
}

/** A round's region solves, largest region first (a solve's cost grows with its region's pixels): the last ones taken are the quick ones. */
export function largestFirst(requests: readonly RegionSolveRequest[]): RegionSolveRequest[] {
  return [...requests].sort((a, b) => b.pixels - a.pixels);
}

/**
 * planRender with each round's region solves, and the final LUTs, on the pool's threads;
 * the calling thread meanwhile computes the feathering and simulates the rounds. Same
 * plan to the bit: each region's solve is the same computation wherever it runs.
 */
export async function planParallel(
  pool: RenderPool,
  prepared: PreparedImage,
  map: ParameterMap,
  table: CalibrationTable,
  /** Called with the plan as soon as it is final, possibly before the report is (see PlanRequest). */
  onPlan?: (plan: RenderPlan) => void,
): Promise<PlannedRender> {
  const steps = planSteps(prepared, map, table, shareArray);
  // planSteps yields the same source with every batch: shared once per plan.
  let shared: PlanSource | null = null;
  let pending: Promise<TaskResult[]> | null = null;
  let pendingLuts: Promise<TaskResult[]> | null = null;
  let step = steps.next();
  while (!step.done) {
    const request = step.value;
    if (request.kind === 'solve') {
      const source = (shared ??= shareSource(request.source));
      const requests = largestFirst(request.requests);
      pending = pool.run(claimedTasks(pool, requests.length, (claim) => ({ kind: 'solve' as const, requests, source, table, claim })));
      // Awaited at the next 'collect'; if planning throws first, the rejection must not go unhandled.
      pending.catch(() => undefined);
      step = steps.next(undefined);
    } else if (request.kind === 'collect') {
      const results: TaskResult[] = pending ? await pending : [];
      pending = null;
      step = steps.next({ solves: results.flatMap((r) => r.solves ?? []) });
    } else if (request.kind === 'luts') {
      const requests = request.requests;
      pendingLuts = pool.run(claimedTasks(pool, requests.length, (claim) => ({ kind: 'luts' as const, requests, claim })));
      pendingLuts.catch(() => undefined);
      step = steps.next(undefined);
    } else if (request.kind === 'plan') {
      onPlan?.(request.plan);
      step = steps.next(undefined);
    } else {
      const results: TaskResult[] = pendingLuts ? await pendingLuts : [];
      pendingLuts = null;
      // Back in the requests' order.
      const luts: Float32Array[] = [];
      for (const r of results) r.luts?.forEach((lut, j) => (luts[(r.lutIndices as readonly number[])[j]] = lut));
      step = steps.next({ luts });
    }
  }
  return step.value;
}

/**
 * The threads' area sums added up and finished (AreaAccumulator.finish). The first
 * thread's arrays — moved to this thread, so ours, and zero outside the rows it added —
 * take the others' rows (`rows`: the span they added to): the same integer sums as
 * merging everything into a zeroed accumulator, without allocating and filling a third
 * set of full-size arrays on the thread every other one waits for.
 */
function finishStrips(results: readonly TaskResult[], srcWidth: number, srcHeight: number, width: number, height: number, scale: number, allocate?: (length: number) => Float32Array) {
  const [first, ...rest] = results;
  const sums = first.sums as Float64Array, squares = first.squares;
  for (const r of rest) {
    const [a, b] = (r.rows ?? [0, height]).map((row) => row * width * 3);
    const other = r.sums as Float64Array;
    for (let i = a; i < b; i++) sums[i] += other[i];
    if (squares && r.squares) for (let i = a, sq = r.squares; i < b; i++) squares[i] += sq[i];
  }
  return finishAreaSums(sums, squares, srcWidth * srcHeight, width, height, scale, allocate);
}

/**
 * Shared area sums for a pass over `src` to width × height in bands of `rows` (see
 * SharedSums): the slots of the rows the band boundaries cut, the output sums where
 * those rows are completed, and the finished means (and spreads, with squares) that
 * every thread writes for the rows lying wholly in its bands. Every number in them is
 * written before it is read, so they may be the pool's recycled buffers (see
 * RenderPool.recycled; handed back by recycleSums when the render is done).
 */
function sharedSums(pool: RenderPool, src: SharedImage, width: number, height: number, rows: number, squares: boolean): SharedSums {
  const length = width * height * 3;
  const slots = 8 * bandSplitRows(0, src.height, rows) * width * 3;
  const buffer = (bytes: number) => pool.recycled(bytes);
  return {
    sums: buffer(8 * length),
    squares: squares ? buffer(8 * length) : null,
    splitSums: buffer(slots),
    splitSquares: squares ? buffer(slots) : null,
    image: buffer(4 * length),
    spread: squares ? buffer(4 * length) : null,
    valueScale: valueScaleOf(viewOf(src).data),
  };
}

/** Hands a pass's shared sums back to the pool (nothing of them may be used afterwards). */
function recycleSums(pool: RenderPool, sums: SharedSums | undefined): void {
  if (sums) pool.recycle(sums.sums, sums.squares, sums.splitSums, sums.splitSquares, sums.image, sums.spread);
}

/**
 * A pass's shared sums once every band is in: the rows the band boundaries cut are
 * completed (their parts added) and finished; the threads finished all the others.
 */
function finishShared(into: SharedSums, rows: number, src: SharedImage, width: number, height: number): { image: FloatRgbImage; spread: Float32Array | null } {
  const f64 = (b: SharedArrayBuffer | null) => (b ? new Float64Array(b) : null);
  const sums = new Float64Array(into.sums), squares = f64(into.squares);
  const image = new Float32Array(into.image), spread = into.spread && new Float32Array(into.spread);
  const split = { first: 0, rows, sums: new Float64Array(into.splitSums), squares: f64(into.splitSquares) };
  const scale = areaScale(src.width * src.height, into.valueScale);
  const outLen = width * 3;
  for (const row of mergeBandSplits(split, src.height, src.height, width, height, sums, squares)) finishAreaRange(sums, squares, scale, image, spread, row * outLen, (row + 1) * outLen);
  return { image: { width, height, data: image }, spread };
}

/**
 * The embedded renderer's `render`, with its full-resolution passes — area downsampling
 * of the input, and the plan's application with the output area-averaged as it is
 * written (for the report's measurement) — split into bands of rows across the pool's
 * threads. Same result as `render` to the bit. Planning (at the working size) solves its
 * regions on the pool's threads too (planParallel).
 */
export async function renderParallel(
  pool: RenderPool,
  image: RgbImage,
  segmentation: Segmentation | undefined,
  map: ParameterMap,
  table: CalibrationTable,
): Promise<RenderResult> {
  const src = toShared(image, (bytes) => pool.shareBuffer(bytes));
  // When the shared copy is ours, render into it: the input is not needed once it has
  // been measured, and a second full-size buffer is the largest cost at 100 MP.
  const inPlace = src.buffer !== image.data.buffer;
  const size = workingSizeOf(image.width, image.height);
  // 8-bit images: the threads write their area sums into one shared set (an output row
  // cut by a band boundary in two slots), so there is nothing to send back and add up;
  // a band then spans more than an output row's source rows (see BandSplit).
  const banded = src.depth === 8 && columnsPathFits(image.height, size.height);
  const claimRows = banded ? Math.max(CLAIM_ROWS, 2 * Math.ceil(image.height / size.height) + 2) : CLAIM_ROWS;
  const claim = () => ({ counter: new SharedArrayBuffer(4), rows: claimRows });
  // Each thread claims bands of rows until none are left (see the application below).
  const downInto = banded ? sharedSums(pool, src, size.width, size.height, claimRows, true) : undefined;
  const downsample = { kind: 'downsample' as const, src, width: size.width, height: size.height, squares: true, y0: 0, y1: image.height, claim: claim(), into: downInto };
  const down = await pool.run(Array.from({ length: pool.threads }, () => downsample));
  const scale = valueScaleOf(viewOf(src).data);
  // The working image and spread go to every solve task: born in shared memory, they are posted without a copy (see shareSource).
  const { image: work, spread } = downInto ? finishShared(downInto, claimRows, src, size.width, size.height) : finishStrips(down, image.width, image.height, size.width, size.height, scale, sharedFloats);
  const prepared = prepareWorking(image, work, spread, segmentation, table);
  const dst: SharedImage = inPlace ? src : { ...src, buffer: pool.shareBuffer(src.buffer.byteLength) };
  // Rows cost unevenly (boundaries, colours the caches miss: on the sunset the lower half
  // took 66–74 ms, the upper 47–64), and a thread may lose its core for a while on a
  // shared machine: so the threads claim bands of rows until none are left instead of
  // taking fixed strips. The pixels and the (integer) sums do not depend on the split.
  // The application starts as soon as the plan is final: planning's last simulation
  // (which only completes the report) runs on this thread meanwhile.
  let applying: Promise<TaskResult[]> | null = null;
  const measureInto = banded ? sharedSums(pool, src, size.width, size.height, claimRows, false) : undefined;
  const startApply = (plan: RenderPlan): Promise<TaskResult[]> => {
    const apply = { kind: 'apply' as const, plan: sharePlan(plan), src, dst, measure: size, y0: 0, y1: image.height, claim: claim(), into: measureInto };
    const run = pool.run(Array.from({ length: pool.threads }, () => apply));
    // Awaited below; if planning throws first, the rejection must not go unhandled.
    run.catch(() => undefined);
    return run;
  };
  const { plan, report } = await planParallel(pool, prepared, map, table, (early) => (applying = startApply(early)));
  const applied = await (applying ?? startApply(plan));
  const rendered = (measureInto ? finishShared(measureInto, claimRows, src, size.width, size.height) : finishStrips(applied, image.width, image.height, size.width, size.height, scale)).image;
  recordAchieved(rendered, prepared, table, report);
  // The working image, its spreads and the measurement are numbers in the report now.
  recycleSums(pool, downInto);
  recycleSums(pool, measureInto);
  // The next image of this size gets a buffer mapped while this one is encoded (see shareBuffer).
  pool.prepareSpare(dst.buffer.byteLength);
  return { image: viewOf(dst), report };
}
