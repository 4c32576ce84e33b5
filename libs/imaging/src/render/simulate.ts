/**
 * The plan rendered at the working size, the way the full-resolution pass renders the
 * whole image, so that planning can measure what the render will measure: each pixel's
 * two sigma points (mean ± spread of its full-resolution block, see proxy.ts) are
 * blended region by region with the feathered weights and averaged.
 *
 * The weights depend only on the feathering and the pixels, not on the strengths, so
 * they are computed once, and so is each point's place in the LUT lattice; each
 * measurement then costs one interpolation per region a pixel belongs to or borders.
 */

import { analyzeWorking, type PreparedImage } from '../analysis.js';
import type { CalibrationTable } from '../calibration/table.js';
import type { AttributeRecord } from '../image.js';
import type { FeatherCoefficients } from './guided-filter.js';
import { fillLutNodes } from './lut.js';
import type { RegionOperator } from './operators.js';

/** A region's reach: the working pixels where its weight is not zero, and the weights there. */
interface RegionWeights {
  /** Sample offsets (3 × pixel index) of the pixels with a non-zero weight for either sigma image. */
  readonly at: Int32Array;
  /** Weights at those pixels for the high and the low sigma image. */
  readonly hi: Float32Array;
  readonly lo: Float32Array;
}

export class WorkingSimulator {
  private readonly hi: Float32Array;
  private readonly lo: Float32Array;
  private readonly weights: RegionWeights[];
  private readonly outHi: Float32Array;
  private readonly outLo: Float32Array;

  constructor(
    private readonly prepared: PreparedImage,
    feathers: readonly FeatherCoefficients[],
  ) {
    const { work, spread } = prepared;
    const n = work.data.length;
    this.hi = new Float32Array(n);
    this.lo = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const m = work.data[i], s = spread ? spread[i] : 0;
      this.hi[i] = Math.min(255, m + s);
      this.lo[i] = Math.max(0, m - s);
    }
    this.weights = feathers.map((f) => this.weightsOf(f));
    this.outHi = new Float32Array(n);
    this.outLo = new Float32Array(n);
  }

  /** w = clamp(a·I + b, 0, 1) at each pixel of the feather window (guided filter, He et al. 2013); zeros dropped. */
  private weightsOf(f: FeatherCoefficients): RegionWeights {
    const W = this.prepared.work.width;
    const n = f.width * f.height;
    const at = new Int32Array(n), hi = new Float32Array(n), lo = new Float32Array(n);
    let m = 0;
    for (let y = 0; y < f.height; y++) {
      for (let x = 0; x < f.width; x++) {
        const o = 4 * (y * f.width + x), p = 3 * ((y + f.y0) * W + x + f.x0);
        const a0 = f.ab[o], a1 = f.ab[o + 1], a2 = f.ab[o + 2], b = f.ab[o + 3];
        const wh = (a0 * this.hi[p] + a1 * this.hi[p + 1] + a2 * this.hi[p + 2]) / 255 + b;
        const wl = (a0 * this.lo[p] + a1 * this.lo[p + 1] + a2 * this.lo[p + 2]) / 255 + b;
        if (wh <= 0 && wl <= 0) continue;
        at[m] = p;
        hi[m] = wh >= 1 ? 1 : wh <= 0 ? 0 : wh;
        lo[m] = wl >= 1 ? 1 : wl <= 0 ? 0 : wl;
        m++;
      }
    }
    return { at: at.slice(0, m), hi: hi.slice(0, m), lo: lo.slice(0, m) };
  }

  /**
   * Renders with each region's transform as the full-resolution pass will apply it — a
   * `lutSize`³ LUT (buildLut), of which only the nodes this image's points read are
   * sampled — and measures every region.
   */
  measure(operators: readonly RegionOperator[], lutSize: number, table: CalibrationTable): Map<number, AttributeRecord> {
    const { work, labels } = this.prepared;
    const W = work.width;
    const { hi, lo, outHi, outLo } = this;
    outHi.set(hi);
    outLo.set(lo);
    const cells = this.latticeCells(lutSize);
    for (let k = 0; k < this.weights.length; k++) {
      const wk = this.weights[k], lut = cells.luts[k];
      fillLutNodes(lut, operators[k], lutSize, cells.nodes[k]);
      for (let i = 0; i < wk.at.length; i++) {
        const p = wk.at[i];
        blendPoint(lut, cells.hi, hi, outHi, p, wk.hi[i]);
        blendPoint(lut, cells.lo, lo, outLo, p, wk.lo[i]);
      }
    }
    const mean = new Float32Array(outHi.length);
    for (let i = 0; i < mean.length; i++) {
      const h = outHi[i] <= 0 ? 0 : outHi[i] >= 255 ? 255 : outHi[i];
      const l = outLo[i] <= 0 ? 0 : outLo[i] >= 255 ? 255 : outLo[i];
      mean[i] = (h + l) / 2;
    }
    const { regions } = analyzeWorking({ width: W, height: work.height, data: mean }, labels, table);
    return new Map(regions.map((r) => [r.id, r.values]));
  }

  private cells: SimulationLattice | null = null;

  /**
   * Every sigma point's lattice cell, tetrahedron and weights in a lutSize³ LUT: they
   * depend on the point alone, not on the transform, so the rounds share them; and per
   * region, the lattice nodes its points read, with a LUT to sample them into.
   */
  private latticeCells(lutSize: number): SimulationLattice {
    if (this.cells?.lutSize === lutSize) return this.cells;
    const hi = pointCells(this.hi, lutSize), lo = pointCells(this.lo, lutSize);
    const nodes = this.weights.map((wk) => nodesRead(wk, hi, lo, lutSize));
    const luts = this.weights.map(() => new Float32Array(lutSize * lutSize * lutSize * 3));
    this.cells = { lutSize, hi, lo, nodes, luts };
    return this.cells;
  }
}

interface SimulationLattice {
  readonly lutSize: number;
  readonly hi: PointCells;
  readonly lo: PointCells;
  /** Per region: offsets of the LUT nodes its weighted points read. */
  readonly nodes: Int32Array[];
  /** Per region: its LUT, valid at those nodes. */
  readonly luts: Float32Array[];
}

/** The LUT nodes (offsets) that blendPoint reads for a region's points of non-zero weight. */
function nodesRead(wk: RegionWeights, hi: PointCells, lo: PointCells, size: number): Int32Array {
  const read = new Uint8Array(size * size * size);
  const mark = (cells: PointCells, i: number): void => {
    const a = cells.v0[i];
    read[a / 3] = read[cells.v1[i] / 3] = read[cells.v2[i] / 3] = read[(a + cells.far) / 3] = 1;
  };
  for (let k = 0; k < wk.at.length; k++) {
    const i = wk.at[k] / 3;
    if (wk.hi[k] !== 0) mark(hi, i);
    if (wk.lo[k] !== 0) mark(lo, i);
  }
  let n = 0;
  for (let j = 0; j < read.length; j++) n += read[j];
  const nodes = new Int32Array(n);
  for (let j = 0, m = 0; j < read.length; j++) if (read[j]) nodes[m++] = 3 * j;
  return nodes;
}

/**
 * Per pixel of an interleaved image, its place in a LUT as `tetrahedral` (lut.ts) finds
 * it: the cell's first vertex and the next two vertices (offsets into the LUT; the
 * fourth is first + sR + sG + 3), and the four vertex weights, kept in double precision
 * so that the interpolation gives tetrahedral's numbers to the bit.
 */
interface PointCells {
  readonly far: number;
  readonly v0: Int32Array;
  readonly v1: Int32Array;
  readonly v2: Int32Array;
  /** w0..w3 per pixel. */
  readonly w: Float64Array;
}

function pointCells(src: Float32Array, size: number): PointCells {
  const n = src.length / 3;
  const scale = (size - 1) / 255;
  const m = size - 2;
  const sR = size * size * 3, sG = size * 3, sB = 3;
  const v0 = new Int32Array(n), v1 = new Int32Array(n), v2 = new Int32Array(n), w = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const fr = src[3 * i] * scale, fg = src[3 * i + 1] * scale, fb = src[3 * i + 2] * scale;
    let ir = fr | 0, ig = fg | 0, ib = fb | 0;
    if (ir > m) ir = m;
    if (ig > m) ig = m;
    if (ib > m) ib = m;
    const dr = fr - ir, dg = fg - ig, db = fb - ib;
    const base = ir * sR + ig * sG + ib * sB;
    let o1: number, o2: number, w0: number, w1: number, w2: number, w3: number;
    if (dr >= dg) {
      if (dg >= db) { o1 = sR; o2 = sR + sG; w0 = 1 - dr; w1 = dr - dg; w2 = dg - db; w3 = db; }
      else if (dr >= db) { o1 = sR; o2 = sR + sB; w0 = 1 - dr; w1 = dr - db; w2 = db - dg; w3 = dg; }
      else { o1 = sB; o2 = sR + sB; w0 = 1 - db; w1 = db - dr; w2 = dr - dg; w3 = dg; }
    } else if (db >= dg) { o1 = sB; o2 = sG + sB; w0 = 1 - db; w1 = db - dg; w2 = dg - dr; w3 = dr; }
    else if (db >= dr) { o1 = sG; o2 = sG + sB; w0 = 1 - dg; w1 = dg - db; w2 = db - dr; w3 = dr; }
    else { o1 = sG; o2 = sR + sG; w0 = 1 - dg; w1 = dg - dr; w2 = dr - db; w3 = db; }
    v0[i] = base;
    v1[i] = base + o1;
    v2[i] = base + o2;
    w[4 * i] = w0;
    w[4 * i + 1] = w1;
    w[4 * i + 2] = w2;
    w[4 * i + 3] = w3;
  }
  return { far: sR + sG + sB, v0, v1, v2, w };
}

/** out[p..p+2] += w·(f(src[p..p+2]) − src[p..p+2]) with f the LUT (0..1 values) at the point's precomputed cell; nothing for w = 0. */
function blendPoint(lut: Float32Array, cells: PointCells, src: Float32Array, out: Float32Array, p: number, w: number): void {
  if (w === 0) return;
  const i = p / 3;
  const a = cells.v0[i], c1 = cells.v1[i], c2 = cells.v2[i], c3 = a + cells.far;
  const w0 = cells.w[4 * i], w1 = cells.w[4 * i + 1], w2 = cells.w[4 * i + 2], w3 = cells.w[4 * i + 3];
  const t0 = w0 * lut[a] + w1 * lut[c1] + w2 * lut[c2] + w3 * lut[c3];
  const t1 = w0 * lut[a + 1] + w1 * lut[c1 + 1] + w2 * lut[c2 + 1] + w3 * lut[c3 + 1];
  const t2 = w0 * lut[a + 2] + w1 * lut[c1 + 2] + w2 * lut[c2 + 2] + w3 * lut[c3 + 2];
  out[p] += w * (t0 * 255 - src[p]);
  out[p + 1] += w * (t1 * 255 - src[p + 1]);
  out[p + 2] += w * (t2 * 255 - src[p + 2]);
}
