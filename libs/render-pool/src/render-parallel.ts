import {
  AreaAccumulator,
  planSteps,
  prepareWorking,
  recordAchieved,
  valueScaleOf,
  workingSizeOf,
  type CalibrationTable,
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
 * Deals a round's region solves out to `threads` batches, largest region first, each to
 * the batch with the fewest pixels so far (a solve's cost grows with its region's pixels).
 */
export function dealSolves(requests: readonly RegionSolveRequest[], threads: number): RegionSolveRequest[][] {
  const batches: RegionSolveRequest[][] = Array.from({ length: Math.max(1, Math.min(threads, requests.length)) }, () => []);
  const load = new Array<number>(batches.length).fill(0);
  for (const r of [...requests].sort((a, b) => b.pixels - a.pixels)) {
    const k = load.indexOf(Math.min(...load));
    batches[k].push(r);
    load[k] += r.pixels;
  }
  return batches;
}

/**
 * planRender with each round's region solves, and the final LUTs, on the pool's threads;
 * the calling thread meanwhile computes the feathering and simulates the rounds. Same
 * plan to the bit: each region's solve is the same computation wherever it runs.
 */
export async function planParallel(pool: RenderPool, prepared: PreparedImage, map: ParameterMap, table: CalibrationTable): Promise<PlannedRender> {
  const steps = planSteps(prepared, map, table);
  // planSteps yields the same source with every batch: shared once per plan.
  let shared: PlanSource | null = null;
  let pending: Promise<TaskResult[]> | null = null;
  let step = steps.next();
  while (!step.done) {
    const request = step.value;
    if (request.kind === 'solve') {
      const source = (shared ??= shareSource(request.source));
      pending = pool.run(dealSolves(request.requests, pool.threads).map((requests) => ({ kind: 'solve' as const, requests, source, table })));
      // Awaited at the next 'collect'; if planning throws first, the rejection must not go unhandled.
      pending.catch(() => undefined);
      step = steps.next(undefined);
    } else if (request.kind === 'collect') {
      const results: TaskResult[] = pending ? await pending : [];
      pending = null;
      step = steps.next({ solves: results.flatMap((r) => r.solves ?? []) });
    } else {
      // One contiguous share of the regions per thread, so the LUTs come back in order.
      const shares = pool.strips(request.requests.length).map(([a, b]) => request.requests.slice(a, b));
      const results = await pool.run(shares.map((requests) => ({ kind: 'luts' as const, requests })));
      step = steps.next({ luts: results.flatMap((r) => r.luts ?? []) });
    }
  }
  return step.value;
}

function mergeSums(into: AreaAccumulator, results: readonly TaskResult[]): AreaAccumulator {
  for (const r of results) if (r.sums) into.merge({ sums: r.sums, squares: r.squares }, r.rows ?? undefined);
  return into;
}

/**
 * The embedded renderer's `render`, with its full-resolution passes — area downsampling
 * of the input, and the plan's application with the output area-averaged as it is
 * written (for the report's measurement) — split into strips of rows across the pool's
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
  const { plan, report } = await planParallel(pool, prepared, map, table);
  const shared = sharePlan(plan);
  const dst: SharedImage = inPlace ? src : { ...src, buffer: new SharedArrayBuffer(src.buffer.byteLength) };
  const applied = await pool.run(strips.map(([y0, y1]) => ({ kind: 'apply' as const, plan: shared, src, dst, measure: size, y0, y1 })));
  const rendered = mergeSums(new AreaAccumulator(image.width, image.height, size.width, size.height), applied).finish(scale).image;
  recordAchieved(rendered, prepared, table, report);
  return { image: viewOf(dst), report };
}
