import { AreaAccumulator, applyPlanRows, regionLut, solveRegion, type RgbImage } from '@pertouch/imaging';
import type { SharedImage, Task, TaskResult } from './protocol.js';

/** A typed view on a shared image (no copy). */
export function viewOf(image: SharedImage): RgbImage {
  const data = image.depth === 16 ? new Uint16Array(image.buffer) : new Uint8Array(image.buffer);
  return { width: image.width, height: image.height, data };
}

/** Runs one task (a strip, or a batch of region solves); the same code runs on a worker thread or inline. */
export function runTask(task: Task): TaskResult {
  if (task.kind === 'solve') {
    return { sums: null, squares: null, solves: task.requests.map((r) => solveRegion(r, task.source, task.table)), luts: null };
  }
  if (task.kind === 'luts') return { sums: null, squares: null, solves: null, luts: task.requests.map(regionLut) };
  if (task.kind === 'downsample') {
    const src = viewOf(task.src);
    const acc = new AreaAccumulator(src.width, src.height, task.width, task.height, task.squares).addRows(src.data, task.y0, task.y1);
    return { sums: acc.sums, squares: acc.squares, solves: null, luts: null };
  }
  const src = viewOf(task.src);
  const dst = viewOf(task.dst);
  applyPlanRows(task.plan, src, dst, task.y0, task.y1);
  if (!task.measure) return { sums: null, squares: null, solves: null, luts: null };
  const acc = new AreaAccumulator(dst.width, dst.height, task.measure.width, task.measure.height).addRows(dst.data, task.y0, task.y1);
  return { sums: acc.sums, squares: null, solves: null, luts: null };
}
