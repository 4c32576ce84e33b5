/**
 * One region's share of planning — build its proxy and solve its strengths; at the end,
 * sample its LUT — as plain data in and out, so that a planner can run the regions of a
 * round on any thread (render-pool runs them on its workers) and get the same numbers.
 */

import type { CalibrationTable } from '../calibration/table.js';
import type { AttributeRecord, FloatRgbImage } from '../image.js';
import { resampleLabelsNearest } from '../resample.js';
import { Scratch, kernels } from '../wasm/kernels.js';
import { buildLut, LUT_SIZE } from './lut.js';
import { buildOperator, type Strengths } from './operators.js';
import { buildRegionProxy, type BufferAllocator, type RegionProxy } from './proxy.js';
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
 * The working-size data at half the size, for coarse solves: means of 2×2 blocks (an odd
 * last row or column is left out: the coarse solve only finds a starting point), spreads
 * combining each block's own spread with the spread of its four means (the law of total
 * variance: the block's variance is the mean of its pixels' variances plus the variance
 * of their means).
 */
export function halfSize(source: ProxySource): ProxySource {
  const { work, spread, labels } = source;
  const w = Math.max(1, Math.floor(work.width / 2)), h = Math.max(1, Math.floor(work.height / 2));
  // A one-pixel-wide or -high image keeps that side (its blocks are 1×2 or 2×1: the
  // same pixel counted twice).
  const dx = work.width > 1 ? 1 : 0, dy = work.height > 1 ? 1 : 0;
  // On the kernels (halfBlocks): the planner runs it once per render, mostly before V8
  // has optimised a loop of its own.
  const scratch = new Scratch(kernels());
  const n = w * h * 3;
  const at = { data: scratch.take(4 * work.data.length), spread: spread ? scratch.take(4 * spread.length) : 0, mean: scratch.take(4 * n), combined: scratch.take(4 * n) };
  const k = scratch.commit();
  k.f32.set(work.data, at.data >> 2);
  if (spread) k.f32.set(spread, at.spread >> 2);
  k.k.halfBlocks(at.data, at.spread, work.width, w, h, dx, dy, at.mean, at.combined);
  const mean = k.f32.slice(at.mean >> 2, (at.mean >> 2) + n), combined = k.f32.slice(at.combined >> 2, (at.combined >> 2) + n);
  return { work: { width: w, height: h, data: mean }, spread: combined, labels: resampleLabelsNearest({ width: work.width, height: work.height, labels }, w, h) };
}

/** Solves one region for its aim: a cold solve (coarse start when large) or a warm restart from the previous round. */
export function solveRegion(request: RegionSolveRequest, source: PlanSource, table: CalibrationTable, allocate?: BufferAllocator): RegionSolveResponse {
  // The proxy is handed back for later rounds (`allocate`: where its arrays live); the coarse one is not.
  const proxy = request.proxy ?? buildRegionProxy(source.work, source.spread, source.labels, request.id, allocate);
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
