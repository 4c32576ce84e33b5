import { AreaAccumulator, applyPlanRanges, regionLut, solveRegion, type RegionSolveResponse, type RgbImage } from '@pertouch/imaging';
import type { SharedImage, SharedSums, Task, TaskResult } from './protocol.js';

type RegionProxy = RegionSolveResponse['proxy'];

/** A typed view on a shared image (no copy). */
export function viewOf(image: SharedImage): RgbImage {
  const data = image.depth === 16 ? new Uint16Array(image.buffer) : new Uint8Array(image.buffer);
  return { width: image.width, height: image.height, data };
}

/** A typed array's copy in shared memory (itself when it lives there). */
function shared<T extends Int32Array | Float32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

/**
 * A region's proxy with its arrays in shared memory: a correction round posts it back
 * to a thread, which then reads it in place instead of receiving a copy.
 */
function shareProxy(proxy: RegionProxy): RegionProxy {
  return { ...proxy, v0: shared(proxy.v0), v1: shared(proxy.v1), v2: shared(proxy.v2), w: shared(proxy.w), pairs: shared(proxy.pairs), nodes: shared(proxy.nodes) };
}

/** The output rows that source rows [y0, y1) of `srcHeight` add to, at `height` rows (an area average). */
function outputRows(y0: number, y1: number, srcHeight: number, height: number): [number, number] {
  return [Math.floor((y0 * height) / srcHeight), Math.min(height, Math.ceil((y1 * height) / srcHeight))];
}

/** An accumulator over a pass's area sums: the task's own, or with `into` the pass's shared sums (its bands: the claims from y0). */
function accumulator(srcWidth: number, srcHeight: number, size: { width: number; height: number }, squares: boolean, task: { y0: number; claim?: { rows: number }; into?: SharedSums }): AreaAccumulator {
  const into = task.into;
  if (!into) return new AreaAccumulator(srcWidth, srcHeight, size.width, size.height, squares);
  if (!task.claim) throw new RangeError('shared area sums need bands claimed from y0');
  const f64 = (b: SharedArrayBuffer | null) => (b ? new Float64Array(b) : null);
  const split = { first: task.y0, rows: task.claim.rows, sums: new Float64Array(into.splitSums), squares: f64(into.splitSquares) };
  const finish = { image: new Float32Array(into.image), spread: into.spread && new Float32Array(into.spread), valueScale: into.valueScale };
  return new AreaAccumulator(srcWidth, srcHeight, size.width, size.height, squares, { sums: new Float64Array(into.sums), squares: f64(into.squares), split, finish });
}

/** Runs one task (a strip, or a batch of region solves); the same code runs on a worker thread or inline. */
export function runTask(task: Task): TaskResult {
  if (task.kind === 'solve') {
    const solves: RegionSolveResponse[] = [];
    // New proxies are built in shared memory (shareProxy then copies nothing).
    for (const i of taken(task.claim, task.requests.length)) {
      const solved = solveRegion(task.requests[i], task.source, task.table, (bytes) => new SharedArrayBuffer(bytes));
      solves.push({ ...solved, proxy: shareProxy(solved.proxy) });
    }
    return { ...NO_RESULT, solves };
  }
  if (task.kind === 'luts') {
    const luts: Float32Array[] = [], lutIndices: number[] = [];
    for (const i of taken(task.claim, task.requests.length)) {
      luts.push(regionLut(task.requests[i]));
      lutIndices.push(i);
    }
    return { ...NO_RESULT, luts, lutIndices };
  }
  if (task.kind === 'downsample') {
    const src = viewOf(task.src);
    const span = { first: task.y1, end: task.y0 };
    const ranges = task.claim ? claimed(task.claim, task.y1, span) : [[(span.first = task.y0), (span.end = task.y1)] as [number, number]];
    const acc = accumulator(src.width, src.height, task, task.squares, task).addRanges(src.data, ranges);
    if (task.into) return NO_RESULT;
    const rows = span.first < span.end ? outputRows(span.first, span.end, src.height, task.height) : ([0, 0] as [number, number]);
    return { ...NO_RESULT, sums: acc.sums, squares: acc.squares, rows };
  }
  const src = viewOf(task.src);
  const dst = viewOf(task.dst);
  // The output is measured as it is rendered (see applyPlanRows).
  const acc = task.measure ? accumulator(dst.width, dst.height, task.measure, false, task) : null;
  const span = { first: task.y1, end: task.y0 };
  applyPlanRanges(task.plan, src, dst, task.claim ? claimed(task.claim, task.y1, span) : [[(span.first = task.y0), (span.end = task.y1)]], acc);
  const rows = task.measure ? (span.first < span.end ? outputRows(span.first, span.end, dst.height, task.measure.height) : ([0, 0] as [number, number])) : null;
  return { ...NO_RESULT, sums: acc && !task.into ? acc.sums : null, rows };
}

const NO_RESULT: TaskResult = { sums: null, squares: null, rows: null, solves: null, luts: null, lutIndices: null };

/**
 * Indices 0 … count − 1: all of them, or with `claim` those this thread takes from the
 * shared counter, one at a time and only when it is ready for the next — so a thread
 * that gets less of the machine (another thread sharing its core) takes fewer, and
 * every index goes to exactly one of the threads sharing the counter.
 */
export function* taken(claim: SharedArrayBuffer | undefined, count: number): Generator<number> {
  if (!claim) {
    for (let i = 0; i < count; i++) yield i;
    return;
  }
  yield* claims(claim, 1, count);
}

/** The starts of the steps of `step` that this thread claims from the shared counter (Int32 at 0 of `claim`), until it passes `end`. */
function* claims(claim: SharedArrayBuffer, step: number, end: number): Generator<number> {
  const counter = new Int32Array(claim);
  for (let a = Atomics.add(counter, 0, step); a < end; a = Atomics.add(counter, 0, step)) yield a;
}

/** Bands of rows claimed from the shared counter until it passes y1; `span` records the first and last row claimed. */
function* claimed(claim: { counter: SharedArrayBuffer; rows: number }, y1: number, span: { first: number; end: number }): Generator<[number, number]> {
  for (const a of claims(claim.counter, claim.rows, y1)) {
    const b = Math.min(y1, a + claim.rows);
    span.first = Math.min(span.first, a);
    span.end = b;
    yield [a, b];
  }
}
