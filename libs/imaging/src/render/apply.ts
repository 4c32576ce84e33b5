/**
 * The full-resolution pass: out = x + Σ_r w_r(x)·(f_r(x) − x), where f_r is a region's
 * transform (3-D LUT, tetrahedral interpolation) and w_r its guided-filter weight,
 * clamped to [0, 1]. Pixels no edited region reaches are copied bit for bit; pixels
 * deep inside one region take a single LUT lookup. Works on any strip of rows, so
 * callers can split an image across threads; extra memory is O(width), plus for 8-bit
 * images the WebAssembly kernels' working memory (apply-wasm.ts: a band of rows, and a
 * LUT and a 512 KiB colour cache per region).
 */

import type { RgbImage } from '../image.js';
import type { AreaAccumulator } from '../resample.js';
import { blendRun, latticeTables, lutRun, type LatticeTables } from './apply-kernels.js';
import { applyRows8, cellCoefficients, columnMap } from './apply-wasm.js';
import { CELL_MIXED, CELL_UNTOUCHED, cellsAcross, type RenderPlan } from './plan.js';

/** Allocates the output container for `image` (same size and bit depth). */
export function allocateLike(image: RgbImage): RgbImage {
  const data = image.data instanceof Uint16Array ? new Uint16Array(image.data.length) : new Uint8Array(image.data.length);
  return { width: image.width, height: image.height, data };
}

/** Per-call tables of the pass: LUTs scaled to output codes, lattice position of every input code. */
interface PassTables {
  readonly max: number;
  /** LUTs pre-scaled to output codes, with +0.5 folded in for rounding by truncation. */
  readonly luts: Float32Array[];
  readonly lattice: LatticeTables;
}

function passTables(plan: RenderPlan, max: number): PassTables {
  const luts = plan.regions.map((r) => {
    const l = new Float32Array(r.lut.length);
    for (let i = 0; i < l.length; i++) l[i] = r.lut[i] * max + 0.5;
    return l;
  });
  return { max, luts, lattice: latticeTables(plan.lutSize, max) };
}

/**
 * Applies `plan` to rows [y0, y1) of `src`, writing the same rows of `dst` (which may
 * be `src` itself: each pixel is read before it is written). Each row is walked in runs
 * of one grid cell: untouched runs are copied, single-region runs take one tight LUT
 * loop, boundary runs blend the regions that reach the cell. With `measure`, the output
 * rows are also added to it (the report measures the output at the working size);
 * 8-bit images do both on the WebAssembly kernels, a band of rows at a time.
 */
export function applyPlanRows(plan: RenderPlan, src: RgbImage, dst: RgbImage, y0 = 0, y1 = src.height, measure: AreaAccumulator | null = null): void {
  if (dst.width !== src.width || dst.height !== src.height || dst.data.constructor !== src.data.constructor) {
    throw new RangeError('applyPlanRows: destination must match the source size and bit depth');
  }
  const { width: W, height: H } = src;
  if (src.data instanceof Uint8Array && dst.data instanceof Uint8Array) {
    applyRows8(plan, src.data, dst.data, W, H, [[y0, y1]], measure);
    return;
  }
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
        lutRun(tables.luts[mode - 1], tables.lattice, s, d, pa, pb);
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
  measure?.addRows(d, y0, y1);
}

/**
 * applyPlanRows over several ranges of rows in turn, ascending — e.g. the bands a thread
 * claims one at a time while another thread claims the others — with the 8-bit pass's
 * setup (LUTs, colour caches) done once. Same pixels and sums as any other split.
 */
export function applyPlanRanges(plan: RenderPlan, src: RgbImage, dst: RgbImage, ranges: Iterable<readonly [number, number]>, measure: AreaAccumulator | null = null): void {
  if (src.data instanceof Uint8Array && dst.data instanceof Uint8Array && dst.width === src.width && dst.height === src.height) {
    applyRows8(plan, src.data, dst.data, src.width, src.height, ranges, measure);
    return;
  }
  for (const [y0, y1] of ranges) applyPlanRows(plan, src, dst, y0, y1, measure);
}

/** Applies `plan` to a whole image. */
export function applyPlan(plan: RenderPlan, image: RgbImage, out: RgbImage = allocateLike(image)): RgbImage {
  applyPlanRows(plan, image, out, 0, image.height);
  return out;
}
