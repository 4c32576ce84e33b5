import { asShotMap, analyzeWorking, prepareImage, type PreparedImage } from '../analysis.js';
import type { CalibrationTable } from '../calibration/table.js';
import { ATTRIBUTES, type Attribute, type AttributeRecord, type FloatRgbImage, type RgbImage, type Segmentation } from '../image.js';
import { resolveMap, type ParameterMap, type ResolvedMap } from '../map/parameter-map.js';
import { AreaAccumulator, resampleLabelsNearest, toWorkingSize } from '../resample.js';
import { allocateLike, applyPlanRows } from './apply.js';
import { featherCoefficients, prepareGuide } from './guided-filter.js';
import { buildLut, LUT_SIZE } from './lut.js';
import { buildOperator, ZERO_STRENGTHS, type Strengths } from './operators.js';
import { MAX_EDITED_REGIONS, TooManyRegionsError, classifyCells, type RenderPlan } from './plan.js';
import { buildRegionProxy } from './proxy.js';
import { WorkingSimulator } from './simulate.js';
import { CLIP_TOLERANCE, MAX_CORRECTION_EVALUATIONS, coarseStart, solveStrengths } from './solve.js';

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

/** Regions at least this large (working-size pixels) get a coarse first solve (see coarseStart). */
const COARSE_START_PIXELS = 8192;

/**
 * The working-size data at half the size, for coarse solves: area means of 2×2 blocks,
 * spreads combining each block's own spread with the spread of its four means.
 */
function halfSize(prepared: PreparedImage): { work: FloatRgbImage; spread: Float32Array; labels: Uint8Array } {
  const { work, spread, labels } = prepared;
  const w = Math.max(1, Math.floor(work.width / 2)), h = Math.max(1, Math.floor(work.height / 2));
  const acc = new AreaAccumulator(work.width, work.height, w, h, true).addRows(work.data, 0, work.height);
  const { image: half, spread: ofMeans } = acc.finish();
  const variance = new Float32Array(work.data.length);
  if (spread) for (let i = 0; i < variance.length; i++) variance[i] = spread[i] * spread[i];
  const meanVariance = new AreaAccumulator(work.width, work.height, w, h).addRows(variance, 0, work.height).finish().image.data;
  const combined = new Float32Array(half.data.length);
  for (let i = 0; i < combined.length; i++) combined[i] = Math.sqrt((ofMeans as Float32Array)[i] ** 2 + meanVariance[i]);
  return { work: half, spread: combined, labels: resampleLabelsNearest({ width: work.width, height: work.height, labels }, w, h) };
}

/** Rounds of target correction against the working-size simulation (see planRender). */
const MAX_CORRECTION_ROUNDS = 2;
/** Simulated errors below this are left alone. */
const CORRECTION_TOLERANCE = 0.004;
/** Neighbouring regions react to each other's corrections, so each round moves the aim by most, not all, of the error. */
const CORRECTION_GAIN = 0.8;

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
 */
export function planRender(prepared: PreparedImage, map: ParameterMap, table: CalibrationTable): PlannedRender {
  const asShot = asShotMap(prepared);
  const target: ResolvedMap = resolveMap(map, asShot);
  const { work, labels } = prepared;
  const edited = prepared.regions.filter((region) => {
    const t = target.get(region.id) as AttributeRecord;
    return ATTRIBUTES.some((a) => Math.abs(t[a] - region.values[a]) >= UNCHANGED_EPSILON);
  });
  if (edited.length > MAX_EDITED_REGIONS) throw new TooManyRegionsError(edited.length);
  const gw = work.width, gh = work.height;
  const guide = edited.length > 0 ? prepareGuide(work.data, gw, gh, FEATHER_RADIUS, FEATHER_EPSILON) : null;
  const states = edited.map((region) => {
    const proxy = buildRegionProxy(work, prepared.spread, labels, region.id);
    return {
      region,
      target: target.get(region.id) as AttributeRecord,
      aim: { ...(target.get(region.id) as AttributeRecord) },
      proxy,
      feather: featherCoefficients(guide as NonNullable<typeof guide>, labels, region.id),
      solved: undefined as ReturnType<typeof solveStrengths> | undefined,
      lut: new Float32Array(0) as Float32Array,
      dirty: true,
      missed: { ...NOT_CLIPPED },
    };
  });
  const simulator = states.length > 0 ? new WorkingSimulator(prepared, states.map((s) => s.feather)) : null;
  const coarse = states.some((s) => s.proxy.pixels >= COARSE_START_PIXELS) ? halfSize(prepared) : null;
  for (let round = 0; round <= MAX_CORRECTION_ROUNDS && simulator; round++) {
    for (const s of states) {
      if (!s.dirty) continue;
      const start =
        s.solved ??
        (coarse && s.proxy.pixels >= COARSE_START_PIXELS
          ? coarseStart(buildRegionProxy(coarse.work, coarse.spread, coarse.labels, s.region.id), s.region.raw, s.aim, table)
          : undefined);
      s.solved = solveStrengths(s.proxy, s.aim, table, start, s.solved ? MAX_CORRECTION_EVALUATIONS : undefined);
      s.lut = buildLut(buildOperator(s.solved.strengths, s.proxy.midLuminance), LUT_SIZE);
    }
    const simulated = simulator.measure(states.map((s) => s.lut), LUT_SIZE, table);
    let again = false;
    for (const s of states) {
      const got = simulated.get(s.region.id);
      s.dirty = false;
      if (!got) continue;
      for (const a of ATTRIBUTES) {
        const error = got[a] - s.target[a];
        s.missed[a] = Math.abs(error) > CLIP_TOLERANCE;
        if ((s.solved as NonNullable<typeof s.solved>).clipped[a] || Math.abs(error) <= CORRECTION_TOLERANCE || round === MAX_CORRECTION_ROUNDS) continue;
        s.aim[a] = Math.max(-1.5, Math.min(1.5, s.aim[a] - CORRECTION_GAIN * error));
        s.dirty = again = true;
      }
    }
    if (!again) break;
  }
  const plan: RenderPlan = {
    gridWidth: gw,
    gridHeight: gh,
    lutSize: LUT_SIZE,
    regions: states.map((s) => ({
      id: s.region.id,
      lut: buildLut(buildOperator((s.solved as NonNullable<typeof s.solved>).strengths, s.proxy.midLuminance), LUT_SIZE),
      feather: s.feather,
    })),
    ...classifyCells(states.map((s) => s.feather), gw, gh),
  };
  const reports = new Map<number, RegionReport>();
  for (const s of states) {
    const solved = s.solved as NonNullable<typeof s.solved>;
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
  applyPlanRows(plan, image, out, 0, image.height);
  measureAchieved(out, prepared, table, report);
  return { image: out, report };
}
