/**
 * The full-resolution pass for 8-bit images on the WebAssembly SIMD kernels
 * (assembly/kernels.ts): the same cell walk as apply.ts, run a band of rows at a time in
 * the kernels' memory, where the band can also be measured (area sums of the output)
 * before it is copied out — one read of the image for both.
 *
 * Per call the kernels' memory holds the lattice tables, each region's LUT (f32 × 4 per
 * node, pre-scaled to output codes with +0.5), feathering coefficients and colour cache
 * (a direct-mapped cache of its 8-bit transform: photographs repeat colours — the 12 MP
 * sunset has 176 000 distinct ones — and a hit returns what the interpolation returned
 * for that colour, so the output depends neither on the cache nor on how rows are split
 * into strips), the plan's cell maps, the columns' grid positions and one band of rows.
 */

import { ColumnSession, bandRows } from '../resample-columns.js';
import type { AreaAccumulator } from '../resample.js';
import { Scratch, kernels, type Kernels } from '../wasm/kernels.js';
import { cellsAcross, type RenderPlan } from './plan.js';

/** Bytes of a region's colour cache: 2^16 slots of a key and an output (see lutRun in the kernels). */
const CACHE_BYTES = 2 * 4 * 65536;

/** Per full-resolution column: its grid x coordinate; per grid cell column: its first full-resolution column. */
export interface ColumnMap {
  readonly gx: Float32Array;
  readonly cellStart: Int32Array;
}

/** Grid coordinate of each full-resolution column (pixel centres aligned) and the column runs of each cell. */
export function columnMap(plan: RenderPlan, width: number): ColumnMap {
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
export function cellCoefficients(plan: RenderPlan, k: number, cell: number, gy: number, out: Float64Array | Float32Array, at = 0): void {
  const f = plan.regions[k].feather;
  out.fill(0, at, at + 8);
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
    for (let c = 0; c < 4; c++) out[at + side * 4 + c] = (1 - ty) * f.ab[p0 + c] + ty * f.ab[p1 + c];
  }
}

/** Where the call's operands lie in the kernels' memory. */
interface Layout {
  readonly lat: number;
  readonly luts: number[];
  readonly caches: number[];
  /** Each region's feathering coefficients (f32 × 4 per grid node of its window). */
  readonly feathers: number[];
  /** The plan's cell modes, reaching regions and the cells' first columns. */
  readonly modes: number;
  readonly reach: number;
  readonly starts: number;
  /** Per region, the current row's record (see applyRow in the kernels). */
  readonly recs: number;
  readonly regs: number;
  readonly coef: number;
  readonly gx: number;
  readonly band: number;
  /** Byte strides of the red and green axes of a LUT. */
  readonly sR: number;
  readonly sG: number;
}

function layout(plan: RenderPlan, scratch: Scratch, width: number, rows: number): Layout {
  const size = plan.lutSize;
  const nR = plan.regions.length;
  return {
    lat: scratch.take(4096),
    luts: plan.regions.map(() => scratch.take(size * size * size * 16)),
    caches: plan.regions.map(() => scratch.take(CACHE_BYTES)),
    feathers: plan.regions.map((r) => scratch.take(4 * r.feather.ab.length)),
    modes: scratch.take(plan.cellMode.length),
    reach: scratch.take(4 * plan.cellRegions.length),
    starts: scratch.take(4 * (cellsAcross(plan.gridWidth) + 1)),
    recs: scratch.take(32 * nR),
    regs: scratch.take(4 * nR),
    coef: scratch.take(32 * nR),
    gx: scratch.take(4 * width),
    band: scratch.take(rows * width * 3),
    sR: size * size * 16,
    sG: size * 16,
  };
}

/** Fills the lattice tables, LUTs, empty caches, feathering coefficients, cell maps and column positions. */
function fill(k: Kernels, plan: RenderPlan, at: Layout, cols: ColumnMap): void {
  const size = plan.lutSize;
  const scale = (size - 1) / 255;
  const lat = at.lat >> 2;
  for (let v = 0; v < 256; v++) {
    const f = v * scale;
    const i = Math.min(size - 2, Math.floor(f));
    k.i32[lat + v] = i * at.sR;
    k.i32[lat + 256 + v] = i * at.sG;
    k.i32[lat + 512 + v] = i * 16;
    k.f32[lat + 768 + v] = f - i;
  }
  plan.regions.forEach((r, n) => {
    // RGB in, then widened in place to f32 × 4 on output codes (passLut).
    k.f32.set(r.lut, at.luts[n] >> 2);
    k.k.passLut(at.luts[n], r.lut.length / 3, 255, at.luts[n]);
    // Empty slots: key −1 (no colour; an output is read only after its key matched).
    k.i32.fill(-1, at.caches[n] >> 2, (at.caches[n] + CACHE_BYTES) >> 2);
    k.f32.set(r.feather.ab, at.feathers[n] >> 2);
    const rec = at.recs >> 2;
    k.i32[rec + 8 * n] = at.luts[n];
    k.i32[rec + 8 * n + 1] = at.caches[n];
  });
  k.u8.set(plan.cellMode, at.modes);
  k.i32.set(plan.cellRegions, at.reach >> 2);
  k.i32.set(cols.cellStart, at.starts >> 2);
  k.f32.set(cols.gx, at.gx >> 2);
}

/** Writes each region's record for the row at grid position `gy`: its feathering rows and the fraction between them. */
function rowRecords(k: Kernels, plan: RenderPlan, at: Layout, gy: number): void {
  const rec = at.recs >> 2;
  plan.regions.forEach((r, n) => {
    const f = r.feather;
    const o = rec + 8 * n;
    const ly = gy - f.y0;
    if (f.width === 0 || ly < 0 || ly > f.height - 1) {
      k.i32[o + 2] = 0;
      return;
    }
    let iy = Math.floor(ly);
    if (iy > f.height - 2) iy = Math.max(0, f.height - 2);
    const iy1 = f.height > 1 ? iy + 1 : iy;
    k.i32[o + 2] = at.feathers[n] + 16 * iy * f.width;
    k.i32[o + 3] = at.feathers[n] + 16 * iy1 * f.width;
    k.f32[o + 4] = f.height > 1 ? ly - iy : 0;
    k.i32[o + 5] = f.x0;
    k.i32[o + 6] = f.width;
  });
}

/**
 * Applies `plan` to the 8-bit `s` into `d` (may be `s`), over each range of rows [y0, y1)
 * in turn (the setup — LUTs, caches, cell maps — once for all); with `measure`, adds the
 * output rows to it (area sums) while they are in the kernels' memory.
 */
export function applyRows8(plan: RenderPlan, s: Uint8Array, d: Uint8Array, W: number, H: number, ranges: Iterable<readonly [number, number]>, measure: AreaAccumulator | null): void {
  const rowLength = W * 3;
  const rows = bandRows(rowLength);
  const scratch = new Scratch(kernels());
  const at = layout(plan, scratch, W, rows);
  const session = measure ? new ColumnSession(measure.columnTarget(), scratch) : null;
  const k = scratch.commit();
  fill(k, plan, at, columnMap(plan, W));
  session?.open(k);
  const cellsW = cellsAcross(plan.gridWidth);
  const cellsH = cellsAcross(plan.gridHeight);
  const nR = plan.regions.length;
  const gx = plan.gridWidth <= 1 ? 0 : at.gx;
  for (const [y0, y1] of ranges) {
    session?.range(y0, y1);
    for (let j = y0; j < y1; j += rows) {
      const j1 = Math.min(y1, j + rows);
      k.u8.set(s.subarray(j * rowLength, j1 * rowLength), at.band);
      for (let y = j; y < j1; y++) {
        const gy = Math.min(plan.gridHeight - 1, Math.max(0, ((y + 0.5) * plan.gridHeight) / H - 0.5));
        const cellRow = Math.min(cellsH - 1, Math.floor(gy)) * cellsW;
        rowRecords(k, plan, at, gy);
        k.k.applyRow(at.band + (y - j) * rowLength, at.modes + cellRow, at.reach + 4 * cellRow, at.starts, cellsW, at.recs, nR, at.lat, at.sR, at.sG, gx, at.regs, at.coef);
      }
      session?.add(at.band, j, j1);
      d.set(k.u8.subarray(at.band, at.band + (j1 - j) * rowLength), j * rowLength);
    }
  }
  session?.close();
}
