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

interface ColumnMap {
  readonly cell: Int32Array;
  readonly gx: Float32Array;
}

/** Grid coordinate of each full-resolution column (pixel centres aligned). */
function columnMap(plan: RenderPlan, width: number): ColumnMap {
  const cells = cellsAcross(plan.gridWidth);
  const cell = new Int32Array(width);
  const gx = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const g = Math.min(plan.gridWidth - 1, Math.max(0, ((x + 0.5) * plan.gridWidth) / width - 0.5));
    gx[x] = g;
    cell[x] = Math.min(cells - 1, Math.floor(g));
  }
  return { cell, gx };
}

/** The feathered weight of planned region k at grid coordinate (gx, gy) for guide colour (r, g, b) in 0..1. */
function weightAt(plan: RenderPlan, k: number, gx: number, gy: number, r: number, g: number, b: number): number {
  const f = plan.regions[k].feather;
  const lx = gx - f.x0, ly = gy - f.y0;
  if (lx < 0 || ly < 0 || lx > f.width - 1 || ly > f.height - 1) return 0;
  let ix = Math.floor(lx), iy = Math.floor(ly);
  if (ix > f.width - 2) ix = Math.max(0, f.width - 2);
  if (iy > f.height - 2) iy = Math.max(0, f.height - 2);
  const tx = f.width > 1 ? lx - ix : 0, ty = f.height > 1 ? ly - iy : 0;
  const ix1 = f.width > 1 ? ix + 1 : ix, iy1 = f.height > 1 ? iy + 1 : iy;
  const ab = f.ab;
  const p00 = 4 * (iy * f.width + ix), p10 = 4 * (iy * f.width + ix1);
  const p01 = 4 * (iy1 * f.width + ix), p11 = 4 * (iy1 * f.width + ix1);
  const w00 = (1 - tx) * (1 - ty), w10 = tx * (1 - ty), w01 = (1 - tx) * ty, w11 = tx * ty;
  const a0 = w00 * ab[p00] + w10 * ab[p10] + w01 * ab[p01] + w11 * ab[p11];
  const a1 = w00 * ab[p00 + 1] + w10 * ab[p10 + 1] + w01 * ab[p01 + 1] + w11 * ab[p11 + 1];
  const a2 = w00 * ab[p00 + 2] + w10 * ab[p10 + 2] + w01 * ab[p01 + 2] + w11 * ab[p11 + 2];
  const bb = w00 * ab[p00 + 3] + w10 * ab[p10 + 3] + w01 * ab[p01 + 3] + w11 * ab[p11 + 3];
  const w = a0 * r + a1 * g + a2 * b + bb;
  return w <= 0 ? 0 : w >= 1 ? 1 : w;
}

/**
 * Applies `plan` to rows [y0, y1) of `src`, writing the same rows of `dst` (which may
 * be `src` itself: each pixel is read before it is written).
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
  const nR = plan.regions.length;
  for (let y = y0; y < y1; y++) {
    const gy = Math.min(plan.gridHeight - 1, Math.max(0, ((y + 0.5) * plan.gridHeight) / H - 0.5));
    const cellRow = Math.min(cellsH - 1, Math.floor(gy)) * cellsW;
    let p = y * W * 3;
    for (let x = 0; x < W; x++, p += 3) {
      const mode = plan.cellMode[cellRow + cols.cell[x]];
      const r = s[p], g = s[p + 1], b = s[p + 2];
      if (mode === CELL_UNTOUCHED) {
        d[p] = r; d[p + 1] = g; d[p + 2] = b;
        continue;
      }
      if (mode !== CELL_MIXED) {
        const lut = luts[mode - 1];
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
        continue;
      }
      // Boundary cell: blend every region that reaches this pixel by its weight.
      const gx = cols.gx[x];
      const nr = r / max, ng = g / max, nb = b / max;
      let outR = r, outG = g, outB = b;
      for (let k = 0; k < nR; k++) {
        const w = weightAt(plan, k, gx, gy, nr, ng, nb);
        if (w === 0) continue;
        tetrahedral(luts[k], size, r * scale, g * scale, b * scale, tmp);
        outR += w * (tmp[0] - 0.5 - r);
        outG += w * (tmp[1] - 0.5 - g);
        outB += w * (tmp[2] - 0.5 - b);
      }
      d[p] = outR <= 0 ? 0 : outR >= max ? max : outR + 0.5;
      d[p + 1] = outG <= 0 ? 0 : outG >= max ? max : outG + 0.5;
      d[p + 2] = outB <= 0 ? 0 : outB >= max ? max : outB + 0.5;
    }
  }
}

/** Applies `plan` to a whole image. */
export function applyPlan(plan: RenderPlan, image: RgbImage, out: RgbImage = allocateLike(image)): RgbImage {
  applyPlanRows(plan, image, out, 0, image.height);
  return out;
}
