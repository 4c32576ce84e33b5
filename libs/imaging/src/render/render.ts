import { asShotMap, analyzeWorking, prepareImage, type PreparedImage } from '../analysis.js';
import type { CalibrationTable } from '../calibration/table.js';
import { ATTRIBUTES, type Attribute, type AttributeRecord, type FloatRgbImage, type RgbImage, type Segmentation } from '../image.js';
import { resolveMap, type ParameterMap, type ResolvedMap } from '../map/parameter-map.js';
import { AreaAccumulator, toWorkingSize, valueScaleOf } from '../resample.js';
import type { RegionStats } from '../scores/stats.js';
import { allocateLike, applyPlanRows } from './apply.js';
import { featherCoefficients, prepareGuide, type FeatherCoefficients, type GuideStatistics } from './guided-filter.js';
import { LUT_SIZE } from './lut.js';
import { ZERO_STRENGTHS, buildOperator, type RegionOperator, type Strengths } from './operators.js';
import { MAX_EDITED_REGIONS, TooManyRegionsError, classifyCells, type RenderPlan } from './plan.js';
import type { RegionProxy } from './proxy.js';
import {
  COARSE_START_PIXELS,
  halfSize,
  regionLut,
  solveRegion,
  type PlanSource,
  type RegionLutRequest,
  type RegionSolveRequest,
  type RegionSolveResponse,
} from './region-solve.js';
import { WorkingSimulator } from './simulate.js';
import { CLIP_TOLERANCE, type SolveResult } from './solve.js';

/** Feathering: guided-filter radius on the working-size grid and its regulariser (guide on 0..1). */
export const FEATHER_RADIUS = 4;
export const FEATHER_EPSILON = 1e-3;
/** A target closer than this to the as-shot value counts as unchanged. */
export const UNCHANGED_EPSILON = 1e-3;

export interface RegionReport {
  readonly id: number;
  readonly area: number;
  /** False when every target equals the as-shot value: the region's pixels were left alone. */
  readonly edited: boolean;
  readonly asShot: AttributeRecord;
  readonly target: AttributeRecord;
  /** Measured on the rendered image (filled in by `measureAchieved`). */
  achieved: AttributeRecord;
  /**
   * Targets out of reach: missed by more than CLIP_TOLERANCE when the plan was rendered
   * at the working size — beyond the operators' range (further would clip or crush
   * pixels), not movable by the attribute's own operator, or pulling against the
   * region's other targets.
   */
  readonly clipped: Record<Attribute, boolean>;
  readonly strengths: Strengths;
}

export interface RenderReport {
  readonly workingSize: { readonly width: number; readonly height: number };
  readonly calibration: string;
  readonly regions: RegionReport[];
}

export interface PlannedRender {
  readonly plan: RenderPlan;
  readonly report: RenderReport;
}

const NOT_CLIPPED: Readonly<Record<Attribute, boolean>> = Object.freeze({ colorfulness: false, contrast: false, temperature: false, brightness: false });

/** Rounds of target correction against the working-size simulation (see planSteps). */
const MAX_CORRECTION_ROUNDS = 2;
/** Simulated errors below this are left alone. */
const CORRECTION_TOLERANCE = 0.004;
/** Neighbouring regions react to each other's corrections, so each round moves the aim by most, not all, of the error. */
const CORRECTION_GAIN = 0.8;

/**
 * What planning asks of its driver: start solving a batch of regions (solveRegion, on
 * any thread, in any order); hand back the answers of the batch last started; start
 * sampling the final LUTs (regionLut); hand those back, in order; or take the finished
 * plan early (when the rounds ran out: the last simulation, run after it, changes only
 * the report), which a driver may start applying meanwhile.
 */
export type PlanRequest =
  | { readonly kind: 'solve'; readonly requests: readonly RegionSolveRequest[]; readonly source: PlanSource }
  | { readonly kind: 'collect' }
  | { readonly kind: 'luts'; readonly requests: readonly RegionLutRequest[] }
  | { readonly kind: 'collectLuts' }
  | { readonly kind: 'plan'; readonly plan: RenderPlan };

/** A driver's reply: the solves to a 'collect', the LUTs to a 'collectLuts', nothing to a 'solve', a 'luts' or a 'plan'. */
export type PlanReply = { readonly solves: readonly RegionSolveResponse[] } | { readonly luts: readonly Float32Array[] } | undefined;

/**
 * Where the plan's large arrays (feathering coefficients, cell maps) go: a driver that
 * posts the plan to other threads puts them in shared memory (a copy, or the array
 * itself when it already lives there); planSteps calls it while the first solves run.
 */
export type ShareArray = <T extends Float32Array | Uint8Array | Uint32Array>(array: T) => T;

/** The planner as steps (see planSteps). */
export type PlanSteps = Generator<PlanRequest, PlannedRender, PlanReply>;

/**
 * Decides how to render: resolves the map against the as-shot values, solves each
 * changed region's operator strengths on its proxy, and builds the LUTs and feathering
 * coefficients of the full-resolution pass.
 *
 * Regions are solved one by one, but the render blends them: near a boundary a pixel
 * takes part of its neighbour's edit, and small or ragged regions are mostly boundary.
 * So the plan is then rendered at the working size as the full-resolution pass will
 * render it (same weights, sigma points for the blocks' spread; see simulate.ts), each
 * region is measured, and regions that missed are re-solved against a target moved by
 * their error — a fixed-point iteration on the targets, a few rounds at most.
 *
 * The per-region solves are independent within a round, so they are yielded to the
 * driver as batches (planRender runs them inline, render-pool on its threads); the
 * first batch is started before the feathering is computed, which does not need it.
 * The rounds' simulations sample only the LUT nodes they read; the render's full LUTs
 * are sampled once, for the last solves, and yielded to the driver too. When the rounds
 * run out the strengths are final whatever the last simulation finds: the plan is then
 * handed to the driver ('plan') before that simulation, which only completes the report.
 */
export function* planSteps(prepared: PreparedImage, map: ParameterMap, table: CalibrationTable, share: ShareArray = (a) => a): PlanSteps {
  const asShot = asShotMap(prepared);
  const target: ResolvedMap = resolveMap(map, asShot);
  const { work, labels } = prepared;
  const edited = prepared.regions.filter((region) => {
    const t = target.get(region.id) as AttributeRecord;
    return ATTRIBUTES.some((a) => Math.abs(t[a] - region.values[a]) >= UNCHANGED_EPSILON);
  });
  if (edited.length > MAX_EDITED_REGIONS) throw new TooManyRegionsError(edited.length);
  const gw = work.width, gh = work.height;
  const states = edited.map((region) => ({
    region,
    pixels: (prepared.stats.get(region.id) as RegionStats).n,
    target: target.get(region.id) as AttributeRecord,
    aim: { ...(target.get(region.id) as AttributeRecord) },
    proxy: null as RegionProxy | null,
    solved: null as SolveResult | null,
    operator: null as RegionOperator | null,
    dirty: true,
    missed: { ...NOT_CLIPPED },
  }));
  const byId = new Map(states.map((s) => [s.region.id, s]));
  const source: PlanSource = {
    work,
    spread: prepared.spread,
    labels,
    coarse: states.some((s) => s.pixels >= COARSE_START_PIXELS) ? halfSize(prepared) : null,
  };
  const solveDirty = (): PlanRequest => ({
    kind: 'solve',
    source,
    requests: states
      .filter((s) => s.dirty)
      .map((s) => ({ id: s.region.id, pixels: s.pixels, asShotRaw: s.region.raw, aim: { ...s.aim }, proxy: s.proxy, previous: s.solved })),
  });
  if (states.length > 0) yield solveDirty();
  const guide = states.length > 0 ? prepareGuide(work.data, gw, gh, FEATHER_RADIUS, FEATHER_EPSILON) : null;
  const feathers = states.map((s) => featherCoefficients(guide as GuideStatistics, labels, s.region.id));
  guide?.dispose();
  const simulator = states.length > 0 ? new WorkingSimulator(prepared, feathers) : null;
  // The first simulation's lattice setup, while the driver's threads still solve.
  simulator?.prepare(LUT_SIZE);
  const lutRequest = (): PlanRequest => ({ kind: 'luts', requests: states.map((s) => ({ strengths: (s.solved as SolveResult).strengths, midLuminance: (s.proxy as RegionProxy).midLuminance })) });
  let lutsStarted = false;
  // The full-resolution pass's cell map (and the plan's large arrays handed to `share`)
  // needs only the feathers. It is built while the driver's threads solve a correction
  // round — this thread waits for them then, while in the first round it has the guide,
  // the feathers and the first simulation to do — or else at the end.
  let cells: { cellMode: Uint8Array; cellRegions: Uint32Array; feathers: FeatherCoefficients[] } | null = null;
  const classify = (): NonNullable<typeof cells> => {
    if (cells) return cells;
    const { cellMode, cellRegions } = classifyCells(feathers, gw, gh);
    return (cells = { cellMode: share(cellMode), cellRegions: share(cellRegions), feathers: feathers.map((f) => ({ ...f, ab: share(f.ab) })) });
  };
  let finished: RenderPlan | null = null;
  // Once the LUTs are requested: the cell map, then the LUTs, then the plan.
  function* finishPlan(): Generator<PlanRequest, RenderPlan, PlanReply> {
    classify();
    const lutReply = states.length > 0 ? yield { kind: 'collectLuts' } : undefined;
    const luts = lutReply && 'luts' in lutReply ? lutReply.luts : [];
    const { cellMode, cellRegions, feathers: planFeathers } = classify();
    return (finished = {
      gridWidth: gw,
      gridHeight: gh,
      lutSize: LUT_SIZE,
      regions: states.map((s, k) => ({ id: s.region.id, lut: luts[k], feather: planFeathers[k] })),
      cellMode,
      cellRegions,
    });
  }
  for (let round = 0; round <= MAX_CORRECTION_ROUNDS && simulator; round++) {
    if (round > 0) {
      yield solveDirty();
      classify();
    }
    const reply = yield { kind: 'collect' };
    for (const answer of reply && 'solves' in reply ? reply.solves : []) {
      const s = byId.get(answer.id) as (typeof states)[number];
      s.proxy = answer.proxy;
      s.solved = answer.solved;
      s.operator = buildOperator(answer.solved.strengths, answer.proxy.midLuminance);
    }
    // After the last round the strengths are final whatever its simulation finds (it
    // only tells which attributes missed): the plan is finished first and handed to the
    // driver, which may start the full-resolution pass while the simulation runs.
    if (round === MAX_CORRECTION_ROUNDS) {
      yield lutRequest();
      lutsStarted = true;
      yield { kind: 'plan', plan: yield* finishPlan() };
    }
    // After the last round the plan's LUTs exist: the simulation reads them instead of sampling its nodes again.
    const simulated = simulator.measure(states.map((s) => s.operator as RegionOperator), LUT_SIZE, table, (finished as RenderPlan | null)?.regions.map((r) => r.lut));
    let again = false;
    for (const s of states) {
      const got = simulated.get(s.region.id);
      s.dirty = false;
      if (!got) continue;
      for (const a of ATTRIBUTES) {
        const error = got[a] - s.target[a];
        s.missed[a] = Math.abs(error) > CLIP_TOLERANCE;
        if ((s.solved as SolveResult).clipped[a] || Math.abs(error) <= CORRECTION_TOLERANCE || round === MAX_CORRECTION_ROUNDS) continue;
        s.aim[a] = Math.max(-1.5, Math.min(1.5, s.aim[a] - CORRECTION_GAIN * error));
        s.dirty = again = true;
      }
    }
    if (!again) break;
  }
  simulator?.dispose();
  // The LUTs of the last solves (started above when the rounds ran out).
  if (states.length > 0 && !lutsStarted) yield lutRequest();
  const plan = finished ?? (yield* finishPlan());
  const reports = new Map<number, RegionReport>();
  for (const s of states) {
    const solved = s.solved as SolveResult;
    const clipped = {} as Record<Attribute, boolean>;
    // Judged against the real target on the simulated render, not the solver's shifted aim.
    for (const a of ATTRIBUTES) clipped[a] = s.missed[a];
    reports.set(s.region.id, { id: s.region.id, area: s.region.area, edited: true, asShot: s.region.values, target: s.target, achieved: solved.predicted, clipped, strengths: solved.strengths });
  }
  const regions = prepared.regions.map(
    (region) =>
      reports.get(region.id) ?? {
        id: region.id,
        area: region.area,
        edited: false,
        asShot: region.values,
        target: target.get(region.id) as AttributeRecord,
        achieved: { ...region.values },
        clipped: { ...NOT_CLIPPED },
        strengths: { ...ZERO_STRENGTHS },
      },
  );
  return { plan, report: { workingSize: { width: gw, height: gh }, calibration: table.version, regions } };
}

/** planSteps driven on the calling thread. */
export function planRender(prepared: PreparedImage, map: ParameterMap, table: CalibrationTable): PlannedRender {
  const steps = planSteps(prepared, map, table);
  let solves: RegionSolveResponse[] = [];
  let luts: Float32Array[] = [];
  let step = steps.next();
  while (!step.done) {
    const request = step.value;
    if (request.kind === 'solve') {
      solves = request.requests.map((r) => solveRegion(r, request.source, table));
      step = steps.next(undefined);
    } else if (request.kind === 'collect') {
      step = steps.next({ solves });
      solves = [];
    } else if (request.kind === 'luts') {
      luts = request.requests.map(regionLut);
      step = steps.next(undefined);
    } else if (request.kind === 'collectLuts') {
      step = steps.next({ luts });
      luts = [];
    } else {
      step = steps.next(undefined);
    }
  }
  return step.value;
}

/** Measures the rendered image at the working size and records each region's achieved values. */
export function measureAchieved(rendered: RgbImage, prepared: PreparedImage, table: CalibrationTable, report: RenderReport): RenderReport {
  return recordAchieved(toWorkingSize(rendered), prepared, table, report);
}

/** Records each region's achieved values from the rendered image already at the working size. */
export function recordAchieved(renderedWork: FloatRgbImage, prepared: PreparedImage, table: CalibrationTable, report: RenderReport): RenderReport {
  const { regions } = analyzeWorking(renderedWork, prepared.labels, table);
  const byId = new Map(regions.map((r) => [r.id, r.values]));
  for (const r of report.regions) {
    const v = byId.get(r.id);
    if (v) r.achieved = v;
  }
  return report;
}

export interface RenderResult {
  readonly image: RgbImage;
  readonly report: RenderReport;
}

/**
 * G(image, map) with the embedded engine: renders `map` onto `image` (8 or 16 bit,
 * any size) region by region, and reports per region and attribute the as-shot,
 * target and achieved values (achieved is measured on the output).
 * Without a segmentation the whole image is region 0.
 */
export function render(image: RgbImage, segmentation: Segmentation | undefined, map: ParameterMap, table: CalibrationTable): RenderResult {
  const prepared = prepareImage(image, segmentation, table);
  const { plan, report } = planRender(prepared, map, table);
  const out = allocateLike(image);
  // The output is measured as it is rendered (one pass over it; see applyPlanRows).
  const measured = new AreaAccumulator(image.width, image.height, prepared.work.width, prepared.work.height);
  applyPlanRows(plan, image, out, 0, image.height, measured);
  recordAchieved(measured.finish(valueScaleOf(out.data)).image, prepared, table, report);
  return { image: out, report };
}
