import { Scratch, kernels } from '../wasm/kernels.js';
import type { FeatherCoefficients } from './guided-filter.js';

/** Cell modes of a plan's grid: nothing edited, one region entirely, or a boundary. */
export const CELL_UNTOUCHED = 0;
export const CELL_MIXED = 255;
/** At most this many edited regions fit the one-byte cell modes (1..254). */
export const MAX_EDITED_REGIONS = 254;

/** A map that edits more regions than one render can carry (MAX_EDITED_REGIONS). */
export class TooManyRegionsError extends RangeError {
  override readonly name = 'TooManyRegionsError';
  readonly code = 'too_many_regions';
  constructor(readonly count: number) {
    super(`at most ${MAX_EDITED_REGIONS} regions can be edited at once (got ${count})`);
  }
}

/** One edited region as the full-resolution pass needs it. */
export interface PlannedRegion {
  readonly id: number;
  /** The region's transform on a lutSize³ lattice, sRGB-encoded 0..1 (see buildLut). */
  readonly lut: Float32Array;
  /** Its feathered weight, as guided-filter coefficients on the grid. */
  readonly feather: FeatherCoefficients;
}

/**
 * Everything the full-resolution pass needs, as plain numbers and typed arrays, so it
 * can be copied to worker threads and applied to any strip of rows independently.
 * The grid is the working-size raster the plan was solved on; it maps onto any image
 * of the same aspect ratio.
 */
export interface RenderPlan {
  readonly gridWidth: number;
  readonly gridHeight: number;
  readonly lutSize: number;
  readonly regions: readonly PlannedRegion[];
  /**
   * Per grid cell (between 4 grid nodes; (gridWidth−1)×(gridHeight−1), at least 1×1):
   * CELL_UNTOUCHED, k + 1 when only regions[k] applies there at full weight, or CELL_MIXED.
   */
  readonly cellMode: Uint8Array;
  /**
   * Per grid cell, bit k set when regions[k] has any weight at one of its 4 nodes
   * (k < 32; a plan with more edited regions sets every bit and checks them all).
   */
  readonly cellRegions: Uint32Array;
}

export function cellsAcross(gridSize: number): number {
  return Math.max(1, gridSize - 1);
}

/**
 * Marks each grid cell: untouched when no edited region's weight reaches any of its 4
 * nodes, k + 1 when only region k reaches it and with full weight at all 4 nodes,
 * mixed otherwise; and which regions reach it at all. On the kernels (markFeather,
 * classifyNodes): it runs once per render, mostly before V8 has optimised a loop of
 * its own.
 */
export function classifyCells(feathers: readonly FeatherCoefficients[], gw: number, gh: number): { cellMode: Uint8Array; cellRegions: Uint32Array } {
  const cw = cellsAcross(gw), ch = cellsAcross(gh);
  const nodes = gw * gh, cells = cw * ch;
  const scratch = new Scratch(kernels());
  // Per node: the single full-weight region (-1 none, -2 several or partial) and the regions reaching it.
  const at = {
    owner: scratch.take(2 * nodes),
    reach: scratch.take(4 * nodes),
    ab: scratch.take(Math.max(0, ...feathers.map((f) => 4 * f.ab.length))),
    modes: scratch.take(cells),
    regions: scratch.take(4 * cells),
  };
  const k = scratch.commit();
  k.u8.fill(0xff, at.owner, at.owner + 2 * nodes);
  k.u8.fill(0, at.reach, at.reach + 4 * nodes);
  const many = feathers.length > 32;
  feathers.forEach((f, r) => {
    k.f32.set(f.ab, at.ab >> 2);
    k.k.markFeather(at.ab, f.width, f.height, f.x0, f.y0, gw, r, many ? 0xffffffff : (1 << r) >>> 0, at.owner, at.reach);
  });
  k.k.classifyNodes(at.owner, at.reach, gw, gh, cw, ch, at.modes, at.regions);
  return { cellMode: k.u8.slice(at.modes, at.modes + cells), cellRegions: new Uint32Array(k.i32.slice(at.regions >> 2, (at.regions >> 2) + cells).buffer) };
}
