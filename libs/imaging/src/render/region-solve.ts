/**
 * One region's share of planning — build its proxy and solve its strengths; at the end,
 * sample its LUT — as plain data in and out, so that a planner can run the regions of a
 * round on any thread (render-pool runs them on its workers) and get the same numbers.
 */

import type { CalibrationTable } from '../calibration/table.js';
import type { AttributeRecord, FloatRgbImage } from '../image.js';
import { AreaAccumulator, resampleLabelsNearest } from '../resample.js';
import { buildLut, LUT_SIZE } from './lut.js';
import { buildOperator, type Strengths } from './operators.js';
import { buildRegionProxy, type RegionProxy } from './proxy.js';
import { MAX_CORRECTION_EVALUATIONS, coarseStart, solveStrengths, type SolveResult } from './solve.js';

/** Regions at least this large (working-size pixels) get a coarse first solve (see coarseStart). */
export const COARSE_START_PIXELS = 8192;

/** Working-size pixels a proxy is built from. */
export interface ProxySource {
  readonly work: FloatRgbImage;
  readonly spread: Float32Array | null;
  readonly labels: Uint8Array;
}

/** The working-size data, and its half-size copy when some region is large enough for a coarse start. */
export interface PlanSource extends ProxySource {
  readonly coarse: ProxySource | null;
}

export interface RegionSolveRequest {
  readonly id: number;
  /** The region's pixel count at working size (decides the coarse start). */
  readonly pixels: number;
  /** As-shot raw scores (coarseStart transfers the targets with them). */
  readonly asShotRaw: AttributeRecord;
  /** Normalised scores to solve for. */
  readonly aim: AttributeRecord;
  /** The proxy of an earlier round; null: build it from the source. */
  readonly proxy: RegionProxy | null;
  /** The solve of an earlier round: a warm restart with a small budget. */
  readonly previous: SolveResult | null;
}

export interface RegionSolveResponse {
  readonly id: number;
  readonly proxy: RegionProxy;
  readonly solved: SolveResult;
}

/** A region's final transform, to be sampled as the render's LUT. */
export interface RegionLutRequest {
  readonly strengths: Strengths;
  /** The region's proxy's midLuminance (the contrast pivot). */
  readonly midLuminance: number;
}

/**
 * The working-size data at half the size, for coarse solves: area means of 2×2 blocks,
 * spreads combining each block's own spread with the spread of its four means.
 */
export function halfSize(source: ProxySource): ProxySource {
  const { work, spread, labels } = source;
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

/** Solves one region for its aim: a cold solve (coarse start when large) or a warm restart from the previous round. */
export function solveRegion(request: RegionSolveRequest, source: PlanSource, table: CalibrationTable): RegionSolveResponse {
  const proxy = request.proxy ?? buildRegionProxy(source.work, source.spread, source.labels, request.id);
  let solved: SolveResult;
  if (request.previous) {
    solved = solveStrengths(proxy, request.aim, table, request.previous, MAX_CORRECTION_EVALUATIONS);
  } else {
    const start =
      source.coarse && request.pixels >= COARSE_START_PIXELS
        ? coarseStart(buildRegionProxy(source.coarse.work, source.coarse.spread, source.coarse.labels, request.id), request.asShotRaw, request.aim, table)
        : undefined;
    solved = solveStrengths(proxy, request.aim, table, start);
  }
  return { id: request.id, proxy, solved };
}

/** The render's LUT (LUT_SIZE³) of a region's final transform. */
export function regionLut(request: RegionLutRequest): Float32Array {
  return buildLut(buildOperator(request.strengths, request.midLuminance), LUT_SIZE);
}
