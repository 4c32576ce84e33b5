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
 * mixed otherwise; and which regions reach it at all.
 */
export function classifyCells(feathers: readonly FeatherCoefficients[], gw: number, gh: number): { cellMode: Uint8Array; cellRegions: Uint32Array } {
  const cw = cellsAcross(gw), ch = cellsAcross(gh);
  const cellMode = new Uint8Array(cw * ch);
  const cellRegions = new Uint32Array(cw * ch);
  // Per node: the single full-weight region (-1 none, -2 several or partial) and the regions reaching it.
  const owner = new Int16Array(gw * gh).fill(-1);
  const reach = new Uint32Array(gw * gh);
  const many = feathers.length > 32;
  // Called once per render, so its loops run mostly before V8 optimises them: each pass
  // is a small function of its own with its operands in locals.
  for (let k = 0; k < feathers.length; k++) markFeather(feathers[k], k, many ? 0xffffffff : (1 << k) >>> 0, gw, owner, reach);
  classifyNodes(owner, reach, gw, gh, cw, ch, cellMode, cellRegions);
  return { cellMode, cellRegions };
}

function markFeather(f: FeatherCoefficients, k: number, bit: number, gw: number, owner: Int16Array, reach: Uint32Array): void {
  const ab = f.ab, w = f.width, h = f.height;
  for (let y = 0; y < h; y++) {
    let o = 4 * y * w;
    let g = (y + f.y0) * gw + f.x0;
    for (let x = 0; x < w; x++, o += 4, g++) {
      if (ab[o] === 0 && ab[o + 1] === 0 && ab[o + 2] === 0) {
        const d = ab[o + 3];
        if (d === 0) continue;
        owner[g] = d === 1 && owner[g] === -1 ? k : -2;
      } else {
        owner[g] = -2;
      }
      reach[g] = (reach[g] | bit) >>> 0;
    }
  }
}

function classifyNodes(owner: Int16Array, reach: Uint32Array, gw: number, gh: number, cw: number, ch: number, cellMode: Uint8Array, cellRegions: Uint32Array): void {
  const dx = gw > 1 ? 1 : 0, dy = gh > 1 ? gw : 0;
  for (let y = 0; y < ch; y++) {
    let i = y * cw;
    let n00 = y * gw;
    for (let x = 0; x < cw; x++, i++, n00++) {
      const n10 = n00 + dx, n01 = n00 + dy, n11 = n01 + dx;
      const a = owner[n00], b = owner[n10], c = owner[n01], d = owner[n11];
      cellMode[i] = a === -1 && b === -1 && c === -1 && d === -1 ? CELL_UNTOUCHED : a >= 0 && a === b && a === c && a === d ? a + 1 : CELL_MIXED;
      cellRegions[i] = (reach[n00] | reach[n10] | reach[n01] | reach[n11]) >>> 0;
    }
  }
}
