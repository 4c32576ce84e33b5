/**
 * The full-resolution pass: out = x + Σ_r w_r(x)·(f_r(x) − x), where f_r is a region's
 * transform (3-D LUT, tetrahedral interpolation) and w_r its guided-filter weight,
 * clamped to [0, 1]. Pixels no edited region reaches are copied bit for bit; pixels
 * deep inside one region take a single LUT lookup. Works on any strip of rows, so
 * callers can split an image across threads; extra memory is O(width).
 */

import type { RgbImage } from '../image.js';
import { tetrahedral } from './lut.js';
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
  const max = src.data instanceof Uint16Array ? 65535 : 255;
  const size = plan.lutSize;
  const scale = (size - 1) / max;
  const cellsW = cellsAcross(plan.gridWidth);
  const cellsH = cellsAcross(plan.gridHeight);
  const cols = columnMap(plan, W);
  // LUTs pre-scaled to output codes, with +0.5 folded in for rounding by truncation.
  const luts = plan.regions.map((r) => {
    const l = new Float32Array(r.lut.length);
    for (let i = 0; i < l.length; i++) l[i] = r.lut[i] * max + 0.5;
    return l;
  });
  // Lattice index (premultiplied by the red/green/blue strides) and fraction per code.
  const codes = max + 1;
  const sR = size * size * 3, sG = size * 3;
  const idxR = new Int32Array(codes), idxG = new Int32Array(codes), idxB = new Int32Array(codes), frac = new Float32Array(codes);
  for (let v = 0; v < codes; v++) {
    const f = v * scale;
    const i = Math.min(size - 2, Math.floor(f));
    idxR[v] = i * sR;
    idxG[v] = i * sG;
    idxB[v] = i * 3;
    frac[v] = f - i;
  }
  const s = src.data, d = dst.data;
  const tmp = new Float64Array(3);
  const coef = new Float64Array(8 * plan.regions.length);
  const one = new Float64Array(8);
  const active: number[] = [];
  const nR = plan.regions.length;
  for (let y = y0; y < y1; y++) {
    const gy = Math.min(plan.gridHeight - 1, Math.max(0, ((y + 0.5) * plan.gridHeight) / H - 0.5));
    const cellRow = Math.min(cellsH - 1, Math.floor(gy)) * cellsW;
    const rowStart = y * W * 3;
    for (let c = 0; c < cellsW; c++) {
      const xa = cols.cellStart[c], xb = cols.cellStart[c + 1];
      if (xa >= xb) continue;
      const mode = plan.cellMode[cellRow + c];
      const pa = rowStart + xa * 3, pb = rowStart + xb * 3;
      if (mode === CELL_UNTOUCHED) {
        if (d !== s) d.set(s.subarray(pa, pb), pa);
        continue;
      }
      if (mode !== CELL_MIXED) {
        const lut = luts[mode - 1];
        for (let p = pa; p < pb; p += 3) {
          const r = s[p], g = s[p + 1], b = s[p + 2];
          const fr = frac[r], fg = frac[g], fb = frac[b];
          const base = idxR[r] + idxG[g] + idxB[b];
          let o1: number, o2: number, w0: number, w1: number, w2: number, w3: number;
          if (fr >= fg) {
            if (fg >= fb) { o1 = sR; o2 = sR + sG; w0 = 1 - fr; w1 = fr - fg; w2 = fg - fb; w3 = fb; }
            else if (fr >= fb) { o1 = sR; o2 = sR + 3; w0 = 1 - fr; w1 = fr - fb; w2 = fb - fg; w3 = fg; }
            else { o1 = 3; o2 = sR + 3; w0 = 1 - fb; w1 = fb - fr; w2 = fr - fg; w3 = fg; }
          } else if (fb >= fg) { o1 = 3; o2 = sG + 3; w0 = 1 - fb; w1 = fb - fg; w2 = fg - fr; w3 = fr; }
          else if (fb >= fr) { o1 = sG; o2 = sG + 3; w0 = 1 - fg; w1 = fg - fb; w2 = fb - fr; w3 = fr; }
          else { o1 = sG; o2 = sR + sG; w0 = 1 - fg; w1 = fg - fr; w2 = fr - fb; w3 = fb; }
          const c1 = base + o1, c2 = base + o2, c3 = base + sR + sG + 3;
          d[p] = w0 * lut[base] + w1 * lut[c1] + w2 * lut[c2] + w3 * lut[c3];
          d[p + 1] = w0 * lut[base + 1] + w1 * lut[c1 + 1] + w2 * lut[c2 + 1] + w3 * lut[c3 + 1];
          d[p + 2] = w0 * lut[base + 2] + w1 * lut[c1 + 2] + w2 * lut[c2 + 2] + w3 * lut[c3 + 2];
        }
        continue;
      }
      // Boundary cell: the regions that reach it, with their coefficients on this row.
      const reach = plan.cellRegions[cellRow + c];
      active.length = 0;
      for (let k = 0; k < nR; k++) {
        if (k < 32 && ((reach >>> k) & 1) === 0) continue;
        cellCoefficients(plan, k, c, gy, one);
        coef.set(one, 8 * k);
        active.push(k);
      }
      const gx0 = Math.min(c, plan.gridWidth - 1);
      for (let p = pa, x = xa; p < pb; p += 3, x++) {
        const r = s[p], g = s[p + 1], b = s[p + 2];
        const nr = r / max, ng = g / max, nb = b / max;
        const tx = plan.gridWidth > 1 ? cols.gx[x] - gx0 : 0;
        let outR = r, outG = g, outB = b;
        for (let i = 0; i < active.length; i++) {
          const k = active[i], o = 8 * k;
          const w = (1 - tx) * (coef[o] * nr + coef[o + 1] * ng + coef[o + 2] * nb + coef[o + 3]) + tx * (coef[o + 4] * nr + coef[o + 5] * ng + coef[o + 6] * nb + coef[o + 7]);
          if (w <= 0) continue;
          const wc = w >= 1 ? 1 : w;
          tetrahedral(luts[k], size, r * scale, g * scale, b * scale, tmp);
          outR += wc * (tmp[0] - 0.5 - r);
          outG += wc * (tmp[1] - 0.5 - g);
          outB += wc * (tmp[2] - 0.5 - b);
        }
        d[p] = outR <= 0 ? 0 : outR >= max ? max : outR + 0.5;
        d[p + 1] = outG <= 0 ? 0 : outG >= max ? max : outG + 0.5;
        d[p + 2] = outB <= 0 ? 0 : outB >= max ? max : outB + 0.5;
      }
    }
  }
}

/** Applies `plan` to a whole image. */
export function applyPlan(plan: RenderPlan, image: RgbImage, out: RgbImage = allocateLike(image)): RgbImage {
  applyPlanRows(plan, image, out, 0, image.height);
  return out;
}
