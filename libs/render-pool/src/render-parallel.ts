import {
  AreaAccumulator,
  planRender,
  prepareWorking,
  recordAchieved,
  valueScaleOf,
  workingSizeOf,
  type CalibrationTable,
  type ParameterMap,
  type RenderPlan,
  type RenderResult,
  type RgbImage,
  type Segmentation,
} from '@pertouch/imaging';
import type { RenderPool } from './pool.js';
import type { SharedImage, TaskResult } from './protocol.js';
import { viewOf } from './run-task.js';

/** Copies an image into shared memory (a no-op when it already lives there). */
export function toShared(image: RgbImage): SharedImage {
  const depth = image.data instanceof Uint16Array ? 16 : 8;
  if (image.data.buffer instanceof SharedArrayBuffer && image.data.byteOffset === 0 && image.data.byteLength === image.data.buffer.byteLength) {
    return { width: image.width, height: image.height, depth, buffer: image.data.buffer };
  }
  const buffer = new SharedArrayBuffer(image.data.byteLength);
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

/** The plan with its large arrays (LUTs, feathering coefficients, cell maps) in shared memory. */
export function sharePlan(plan: RenderPlan): RenderPlan {
  return {
    ...plan,
    cellMode: shareArray(plan.cellMode),
    cellRegions: shareArray(plan.cellRegions),
    regions: plan.regions.map((r) => ({ ...r, lut: shareArray(r.lut), feather: { ...r.feather, ab: shareArray(r.feather.ab) } })),
  };
}

function mergeSums(into: AreaAccumulator, results: readonly TaskResult[]): AreaAccumulator {
  for (const r of results) if (r.sums) into.merge({ sums: r.sums, squares: r.squares });
  return into;
}

/**
 * The embedded renderer's `render`, with its three full-resolution passes — area
 * downsampling of the input, the plan's application and the downsampling of the output
 * for measurement — split into strips of rows across the pool's threads. Same result as
 * `render` to the bit; planning stays on the calling thread (it works at the working size).
 */
export async function renderParallel(
  pool: RenderPool,
  image: RgbImage,
  segmentation: Segmentation | undefined,
  map: ParameterMap,
  table: CalibrationTable,
): Promise<RenderResult> {
  const src = toShared(image);
  // When the shared copy is ours, render into it: the input is not needed once it has
  // been measured, and a second full-size buffer is the largest cost at 100 MP.
  const inPlace = src.buffer !== image.data.buffer;
  const size = workingSizeOf(image.width, image.height);
  const strips = pool.strips(image.height);
  const down = await pool.run(strips.map(([y0, y1]) => ({ kind: 'downsample' as const, src, width: size.width, height: size.height, squares: true, y0, y1 })));
  const scale = valueScaleOf(viewOf(src).data);
  const { image: work, spread } = mergeSums(new AreaAccumulator(image.width, image.height, size.width, size.height, true), down).finish(scale);
  const prepared = prepareWorking(image, work, spread, segmentation, table);
  const { plan, report } = planRender(prepared, map, table);
  const shared = sharePlan(plan);
  const dst: SharedImage = inPlace ? src : { ...src, buffer: new SharedArrayBuffer(src.buffer.byteLength) };
  const applied = await pool.run(strips.map(([y0, y1]) => ({ kind: 'apply' as const, plan: shared, src, dst, measure: size, y0, y1 })));
  const rendered = mergeSums(new AreaAccumulator(image.width, image.height, size.width, size.height), applied).finish(scale).image;
  recordAchieved(rendered, prepared, table, report);
  return { image: viewOf(dst), report };
}
