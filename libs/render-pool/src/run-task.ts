import { AreaAccumulator, applyPlanRows, regionLut, solveRegion, type RegionSolveResponse, type RgbImage } from '@pertouch/imaging';
import type { SharedImage, Task, TaskResult } from './protocol.js';

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

/** Runs one task (a strip, or a batch of region solves); the same code runs on a worker thread or inline. */
export function runTask(task: Task): TaskResult {
  if (task.kind === 'solve') {
    const solves = task.requests.map((r) => solveRegion(r, task.source, task.table));
    return { sums: null, squares: null, rows: null, solves: solves.map((r) => ({ ...r, proxy: shareProxy(r.proxy) })), luts: null };
  }
  if (task.kind === 'luts') return { sums: null, squares: null, rows: null, solves: null, luts: task.requests.map(regionLut) };
  if (task.kind === 'downsample') {
    const src = viewOf(task.src);
    const acc = new AreaAccumulator(src.width, src.height, task.width, task.height, task.squares).addRows(src.data, task.y0, task.y1);
    return { sums: acc.sums, squares: acc.squares, rows: outputRows(task.y0, task.y1, src.height, task.height), solves: null, luts: null };
  }
  const src = viewOf(task.src);
  const dst = viewOf(task.dst);
  // The output strip is measured as it is rendered (see applyPlanRows).
  const acc = task.measure ? new AreaAccumulator(dst.width, dst.height, task.measure.width, task.measure.height) : null;
  applyPlanRows(task.plan, src, dst, task.y0, task.y1, acc);
  return { sums: acc ? acc.sums : null, squares: null, rows: task.measure ? outputRows(task.y0, task.y1, dst.height, task.measure.height) : null, solves: null, luts: null };
}
