/**
 * The full-resolution pass: out = x + Σ_r w_r(x)·(f_r(x) − x), where f_r is a region's
 * transform (3-D LUT, tetrahedral interpolation) and w_r its guided-filter weight,
 * clamped to [0, 1]. Pixels no edited region reaches are copied bit for bit; pixels
 * deep inside one region take a single LUT lookup. Works on any strip of rows, so
 * callers can split an image across threads; extra memory is O(width) plus a 512 KiB
 * colour cache per region for 8-bit images (lut-cache.ts).
 */

import type { RgbImage } from '../image.js';
import { blendRun, latticeTables, lutRun, lutRun8, type LatticeTables } from './apply-kernels.js';
import { colourCache, type ColourCache } from './lut-cache.js';
import { CELL_MIXED, CELL_UNTOUCHED, cellsAcross, type RenderPlan } from './plan.js';

/** Allocates the output container for `image` (same size and bit depth). */
export function allocateLike(image: RgbImage): RgbImage {
  const data = image.data instanceof Uint16Array ? new Uint16Array(image.data.length) : new Uint8Array(image.data.length);
  return { width: image.width, height: image.height, data };
}

/** Per full-resolution column: its grid x coordinate; per grid cell column: its first full-resolution column. */
interface ColumnMap {
  readonly gx: Float32Array;
  readonly cellStart: Int32Array;
}

/** Grid coordinate of each full-resolution column (pixel centres aligned) and the column runs of each cell. */
function columnMap(plan: RenderPlan, width: number): ColumnMap {
  const cells = cellsAcross(plan.gridWidth);
  const gx = new Float32Array(width);
  const cellStart = new Int32Array(cells + 1).fill(width);
  for (let x = width - 1; x >= 0; x--) {
    const g = Math.min(plan.gridWidth - 1, Math.max(0, ((x + 0.5) * plan.gridWidth) / width - 0.5));
    gx[x] = g;
    cellStart[Math.min(cells - 1, Math.floor(g))] = x;
  }
  // Cells no column falls in (a grid wider than the image) start where the next one does.
  for (let c = cells - 1; c >= 0; c--) if (cellStart[c] > cellStart[c + 1]) cellStart[c] = cellStart[c + 1];
  return { gx, cellStart };
}

/**
 * A region's feathering coefficients (a_r, a_g, a_b, b) at the two grid columns of a cell,
 * interpolated to the current row; zero outside the region's window. Writes 8 numbers.
 */
function cellCoefficients(plan: RenderPlan, k: number, cell: number, gy: number, out: Float64Array): void {
  const f = plan.regions[k].feather;
  out.fill(0);
  const ly = gy - f.y0;
  if (f.width === 0 || ly < 0 || ly > f.height - 1) return;
  let iy = Math.floor(ly);
  if (iy > f.height - 2) iy = Math.max(0, f.height - 2);
  const iy1 = f.height > 1 ? iy + 1 : iy;
  const ty = f.height > 1 ? ly - iy : 0;
  for (let side = 0; side < 2; side++) {
    const lx = cell + side - f.x0;
    if (lx < 0 || lx > f.width - 1) continue;
    const p0 = 4 * (iy * f.width + lx), p1 = 4 * (iy1 * f.width + lx);
    for (let c = 0; c < 4; c++) out[side * 4 + c] = (1 - ty) * f.ab[p0 + c] + ty * f.ab[p1 + c];
  }
}

/** Per-call tables of the pass: LUTs scaled to output codes, lattice position of every input code. */
interface PassTables {
  readonly max: number;
  /** LUTs pre-scaled to output codes, with +0.5 folded in for rounding by truncation. */
  readonly luts: Float32Array[];
  readonly lattice: LatticeTables;
  /** 8-bit passes only: one colour cache per region (see lut-cache.ts), made on first use. */
  readonly caches: (ColourCache | null)[];
}

function passTables(plan: RenderPlan, max: number): PassTables {
  const luts = plan.regions.map((r) => {
    const l = new Float32Array(r.lut.length);
    for (let i = 0; i < l.length; i++) l[i] = r.lut[i] * max + 0.5;
    return l;
  });
  return { max, luts, lattice: latticeTables(plan.lutSize, max), caches: plan.regions.map(() => null) };
}

/**
 * Applies `plan` to rows [y0, y1) of `src`, writing the same rows of `dst` (which may
 * be `src` itself: each pixel is read before it is written). Each row is walked in runs
 * of one grid cell: untouched runs are copied, single-region runs take one tight LUT
 * loop, boundary runs blend the regions that reach the cell.
 */
export function applyPlanRows(plan: RenderPlan, src: RgbImage, dst: RgbImage, y0 = 0, y1 = src.height): void {
  if (dst.width !== src.width || dst.height !== src.height || dst.data.constructor !== src.data.constructor) {
    throw new RangeError('applyPlanRows: destination must match the source size and bit depth');
  }
  const { width: W, height: H } = src;
  const tables = passTables(plan, src.data instanceof Uint16Array ? 65535 : 255);
  const cellsW = cellsAcross(plan.gridWidth);
  const cellsH = cellsAcross(plan.gridHeight);
  const cols = columnMap(plan, W);
  const s = src.data, d = dst.data;
  const coef = new Float64Array(8 * plan.regions.length);
  const one = new Float64Array(8);
  const active = new Int32Array(plan.regions.length);
  const nR = plan.regions.length;
  for (let y = y0; y < y1; y++) {
    const gy = Math.min(plan.gridHeight - 1, Math.max(0, ((y + 0.5) * plan.gridHeight) / H - 0.5));
    const cellRow = Math.min(cellsH - 1, Math.floor(gy)) * cellsW;
    const rowStart = y * W * 3;
    for (let c = 0; c < cellsW; c++) {
      const mode = plan.cellMode[cellRow + c];
      const xa = cols.cellStart[c];
      // Neighbouring cells in the same single mode make one run (one call, one loop).
      if (mode !== CELL_MIXED) while (c + 1 < cellsW && plan.cellMode[cellRow + c + 1] === mode) c++;
      const xb = cols.cellStart[c + 1];
      if (xa >= xb) continue;
      const pa = rowStart + xa * 3, pb = rowStart + xb * 3;
      if (mode === CELL_UNTOUCHED) {
        if (d !== s) d.set(s.subarray(pa, pb), pa);
        continue;
      }
      if (mode !== CELL_MIXED) {
        const k = mode - 1;
        if (s instanceof Uint8Array && d instanceof Uint8Array) {
          const cache = (tables.caches[k] ??= colourCache());
          lutRun8(tables.luts[k], tables.lattice, cache, s, d, pa, pb);
        } else lutRun(tables.luts[k], tables.lattice, s, d, pa, pb);
        continue;
      }
      // Boundary cell: the regions that reach it, with their coefficients on this row.
      const reach = plan.cellRegions[cellRow + c];
      let nActive = 0;
      for (let k = 0; k < nR; k++) {
        if (k < 32 && ((reach >>> k) & 1) === 0) continue;
        cellCoefficients(plan, k, c, gy, one);
        coef.set(one, 8 * nActive);
        active[nActive++] = k;
      }
      const gx0 = Math.min(c, plan.gridWidth - 1);
      const txOf = plan.gridWidth > 1 ? cols.gx : null;
      blendRun(tables.luts, tables.lattice, active, nActive, coef, s, d, pa, pb, xa, txOf, gx0, tables.max);
    }
  }
}

/** Applies `plan` to a whole image. */
export function applyPlan(plan: RenderPlan, image: RgbImage, out: RgbImage = allocateLike(image)): RgbImage {
  applyPlanRows(plan, image, out, 0, image.height);
  return out;
}
