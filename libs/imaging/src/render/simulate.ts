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
import { Scratch, acquireKernels, releaseKernels, type Kernels } from '../wasm/kernels.js';

/** Where the simulation's data lie in its kernels instance (addresses; f32 × 4 per pixel for images). */
interface SimulationMemory {
  readonly hi: number;
  readonly lo: number;
  readonly outHi: number;
  readonly outLo: number;
  /** Interleaved RGB f32: the simulated image, read by analyzeWorking in place. */
  readonly mean: number;
  /** Per region: the indices of the pixels it reaches (a non-zero weight for either sigma image) and the weights there. */
  readonly at: number[];
  readonly wHi: number[];
  readonly wLo: number[];
}

/** A sigma image's lattice cells in the kernels' memory: vertex byte addresses (i32) and weights (f32 × 4). */
interface CellMemory {
  readonly v0: number;
  readonly v1: number;
  readonly v2: number;
  readonly w: number;
}

export class WorkingSimulator {
  private readonly pixels: number;
  /** Per region: how many pixels it reaches (see SimulationMemory.at). */
  private readonly reach: number[];
  /** A kernels instance of the simulator's own: its images and weights stay there across rounds. */
  private readonly k: Kernels;
  private readonly scratch: Scratch;
  private readonly mem: SimulationMemory;

  constructor(
    private readonly prepared: PreparedImage,
    feathers: readonly FeatherCoefficients[],
  ) {
    const { work, spread } = prepared;
    const n = work.data.length;
    const pixels = (this.pixels = n / 3);
    this.k = acquireKernels();
    this.scratch = new Scratch(this.k);
    const take = (bytes: number) => this.scratch.take(bytes);
    const images = { work: take(4 * n), spread: take(4 * n) };
    // Each region's weights take at most its feather window (zeros are dropped).
    const windows = feathers.map((f) => f.width * f.height);
    const mem = (this.mem = {
      hi: take(16 * pixels),
      lo: take(16 * pixels),
      outHi: take(16 * pixels),
      outLo: take(16 * pixels),
      mean: take(4 * n),
      at: windows.map((m) => take(4 * m)),
      wHi: windows.map((m) => take(4 * m)),
      wLo: windows.map((m) => take(4 * m)),
    });
    const ab = take(16 * Math.max(0, ...windows));
    const k = this.scratch.commit();
    // The two sigma images (mean ± block spread), f32 × 4 per pixel.
    k.f32.set(work.data, images.work >> 2);
    if (spread) k.f32.set(spread, images.spread >> 2);
    k.k.simSigma(images.work, spread ? images.spread : 0, pixels, mem.hi, mem.lo);
    // w = clamp(a·I + b, 0, 1) at each pixel of the feather window, for both sigma images (simWeights).
    this.reach = feathers.map((f, r) => {
      k.f32.set(f.ab, ab >> 2);
      return k.k.simWeights(ab, work.width, f.x0, f.y0, f.width, f.height, mem.hi, mem.lo, mem.at[r], mem.wHi[r], mem.wLo[r]);
    });
  }

  /**
   * Renders with each region's transform as the full-resolution pass will apply it — a
   * `lutSize`³ LUT (buildLut), of which only the nodes this image's points read are
   * sampled (or, given `luts`, the regions' full LUTs are read) — and measures every
   * region. The blending runs on the kernels (simBlend).
   */
  measure(operators: readonly RegionOperator[], lutSize: number, table: CalibrationTable, luts?: readonly Float32Array[]): Map<number, AttributeRecord> {
    const { work, labels } = this.prepared;
    const W = work.width;
    const cells = this.latticeCells(lutSize);
    const { k, mem } = this;
    const pixels = this.pixels;
    k.u8.copyWithin(mem.outHi, mem.hi, mem.hi + 16 * pixels);
    k.u8.copyWithin(mem.outLo, mem.lo, mem.lo + 16 * pixels);
    const far = cells.far;
    for (let r = 0; r < this.reach.length; r++) {
      const nodes = cells.nodes[r];
      // The regions' full LUTs when the caller has them (the plan's final ones: the same numbers), else the nodes sampled.
      let lut = luts?.[r];
      if (!lut) fillLutNodes((lut = cells.luts[r]), operators[r], lutSize, nodes);
      // The sampled nodes into the kernels' LUT, f32 × 4 on 0..255.
      const base = cells.lutAt[r] >> 2;
      for (let i = 0; i < nodes.length; i++) {
        const o = nodes[i], q = base + (o / 3) * 4;
        k.f32[q] = lut[o] * 255;
        k.f32[q + 1] = lut[o + 1] * 255;
        k.f32[q + 2] = lut[o + 2] * 255;
      }
      const count = this.reach[r];
      const { hi, lo } = cells.mem;
      k.k.simBlend(cells.lutAt[r], hi.v0, hi.v1, hi.v2, hi.w, far, mem.hi, mem.outHi, mem.at[r], mem.wHi[r], count);
      k.k.simBlend(cells.lutAt[r], lo.v0, lo.v1, lo.v2, lo.w, far, mem.lo, mem.outLo, mem.at[r], mem.wLo[r], count);
    }
    k.k.simMean(mem.outHi, mem.outLo, mem.mean, pixels);
    const mean = k.f32.subarray(mem.mean >> 2, (mem.mean >> 2) + 3 * pixels);
    const { regions } = analyzeWorking({ width: W, height: work.height, data: mean }, labels, table);
    return new Map(regions.map((r) => [r.id, r.values]));
  }

  private cells: SimulationLattice | null = null;
  private released = false;

  /**
   * Places every point in a lutSize³ lattice now rather than at the first `measure`: it
   * needs no strengths, so a planner does it while the first solves run elsewhere.
   */
  prepare(lutSize: number): void {
    this.latticeCells(lutSize);
  }

  /** Hands the simulator's kernels instance back for the next plan; the simulator must not be used after. */
  dispose(): void {
    if (this.released) return;
    this.released = true;
    releaseKernels(this.k);
  }

  /**
   * Every sigma point's lattice cell, tetrahedron and weights in a lutSize³ LUT: they
   * depend on the point alone, not on the transform, so the rounds share them; and per
   * region, the lattice nodes its points read, with a LUT to sample them into.
   */
  private latticeCells(lutSize: number): SimulationLattice {
    if (this.cells?.lutSize === lutSize) return this.cells;
    const { pixels } = this;
    const cellMemory = (): CellMemory => ({ v0: this.scratch.take(4 * pixels), v1: this.scratch.take(4 * pixels), v2: this.scratch.take(4 * pixels), w: this.scratch.take(16 * pixels) });
    const mem = { hi: cellMemory(), lo: cellMemory() };
    const lutAt = this.reach.map(() => this.scratch.take(16 * lutSize * lutSize * lutSize));
    const total = lutSize * lutSize * lutSize;
    // The nodes each region reads: marked and listed by the kernels (markNodes).
    const marks = { read: this.scratch.take(total), nodes: this.scratch.take(4 * total) };
    const k = this.scratch.commit();
    for (const [src, at] of [[this.mem.hi, mem.hi], [this.mem.lo, mem.lo]] as const) k.k.simCells(src, pixels, lutSize, at.v0, at.v1, at.v2, at.w);
    const far = 16 * (lutSize * lutSize + lutSize + 1);
    const nodes = this.reach.map((count, r) => {
      const { hi, lo } = mem;
      const n = k.k.markNodes(this.mem.at[r], this.mem.wHi[r], this.mem.wLo[r], count, hi.v0, hi.v1, hi.v2, lo.v0, lo.v1, lo.v2, far, marks.read, total, marks.nodes);
      return k.i32.slice(marks.nodes >> 2, (marks.nodes >> 2) + n);
    });
    const luts = this.reach.map(() => new Float32Array(lutSize * lutSize * lutSize * 3));
    this.cells = { lutSize, far, nodes, luts, mem, lutAt };
    return this.cells;
  }
}

interface SimulationLattice {
  readonly lutSize: number;
  /** Byte offset of a cell's far vertex from its first, in an f32 × 4 LUT. */
  readonly far: number;
  /** Per region: offsets of the LUT nodes its weighted points read. */
  readonly nodes: Int32Array[];
  /** Per region: its LUT, valid at those nodes. */
  readonly luts: Float32Array[];
  /** The points' cells in the kernels' memory, and per region the address of its LUT there. */
  readonly mem: { readonly hi: CellMemory; readonly lo: CellMemory };
  readonly lutAt: number[];
}
