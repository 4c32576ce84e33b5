/**
 * A region's fast, faithful stand-in for "render at full resolution, then measure at
 * the working size", used by the solver to try strengths (design.md §5).
 *
 * Each working-size pixel is the area mean of a block of full-resolution pixels, and a
 * non-linear transform of a mean is not the mean of the transformed block (Jensen's
 * inequality: a steep tone curve changes the measured contrast less than it would on
 * the means alone). So each pixel whose block varies is represented by two sigma points,
 * mean ± per-channel standard deviation (the unscented transform: Julier & Uhlmann,
 * "Unscented filtering and nonlinear estimation", Proc. IEEE 92(3), 2004), and its
 * predicted output is the average of their transforms. Smooth pixels use the mean alone.
 *
 * The transform itself is evaluated as the renderer applies it — a 3-D LUT with
 * tetrahedral interpolation — on a coarser lattice; the lattice cell and weights of
 * every point are fixed, so they are computed once and each evaluation only transforms
 * the lattice nodes the region's points touch.
 */

import { SRGB8_TO_LINEAR } from '../color/srgb.js';
import type { FloatRgbImage } from '../image.js';
import { emptyStats, type RegionStats } from '../scores/stats.js';
import { Scratch, kernels, newKernels, type Kernels } from '../wasm/kernels.js';
import { takeOperatorMemory, writeOperator, writeOperatorConstants, type OperatorMemory } from './operator-kernel.js';
import { buildOperator, type Strengths } from './operators.js';

/** Lattice nodes per axis for the solver's LUT (the final render uses LUT_SIZE). */
export const PROXY_LUT_SIZE = 17;
/** Below this block standard deviation (0..255 codes) a pixel is represented by its mean alone. */
const SMOOTH_SPREAD = 2.5;

export interface RegionProxy {
  readonly id: number;
  /** Number of region pixels at working size. */
  readonly pixels: number;
  /**
   * The region's perceptual mid-tone as shot: the linear luminance whose lightness
   * (∛Y, OKLab's L for greys) is the region's mean lightness. The contrast curve pivots
   * on it; a plain mean of linear values would sit in the highlights of any region with
   * a bright part and crush the rest.
   */
  readonly midLuminance: number;
  /**
   * Pixels 0 .. singles − 1 are represented by one point (point k), the others by two
   * (points singles + 2(k − singles) and the next): sorted so that the evaluation runs two
   * branch-free loops.
   */
  readonly singles: number;
  /**
   * Per point: its lattice cell's first vertex and the second and third tetrahedron
   * vertices, as byte offsets into the evaluation's LUT (f32 × 4 per node: 16 × node
   * number), so that loading a proxy into the kernels is a plain copy.
   */
  readonly v0: Int32Array;
  readonly v1: Int32Array;
  readonly v2: Int32Array;
  /** Per point: weights of the 2nd, 3rd and 4th tetrahedron vertices (the 1st is 1 − Σ). */
  readonly w: Float32Array;
  /** Pairs of region-pixel indices that are right/down neighbours inside the region. */
  readonly pairs: Int32Array;
  /** Lattice nodes (offsets into an RGB LUT) that any point touches. */
  readonly nodes: Int32Array;
}

const SIZE = PROXY_LUT_SIZE;
/** Byte offset of a lattice cell's far vertex from its first in an f32 × 4 LUT. */
const FAR = 16 * (SIZE * SIZE + SIZE + 1);

/** Whether a pixel's block is smooth enough for its mean alone to stand for it. */
function isSmooth(spread: Float32Array | null, i: number): boolean {
  return !spread || (spread[3 * i] < SMOOTH_SPREAD && spread[3 * i + 1] < SMOOTH_SPREAD && spread[3 * i + 2] < SMOOTH_SPREAD);
}


/**
 * Where a proxy's arrays are allocated: a planner that posts proxies between threads
 * (render-pool) allocates them in shared memory, so they are neither copied there
 * afterwards nor on each post.
 */
export type BufferAllocator = (bytes: number) => ArrayBufferLike;

/** Builds the proxy of region `id` from the working-size means and block spreads. */
export function buildRegionProxy(
  work: FloatRgbImage,
  spread: Float32Array | null,
  labels: Uint8Array,
  id: number,
  allocate: BufferAllocator = (bytes) => new ArrayBuffer(bytes),
): RegionProxy {
  const { width: W, data } = work;
  // Region pixels in scan order, then renumbered: smooth (one-point) pixels first. The
  // later passes walk only the region's bounding rows and columns. Each pass is a
  // function of its own (see gatherSingles).
  const e = 6 * id, extents = regionExtents(work, labels, spread);
  const n = extents[e], singles = extents[e + 1], minX = extents[e + 2], maxX = extents[e + 3], minY = extents[e + 4], maxY = extents[e + 5];
  const bw = Math.max(0, maxX - minX + 1), bh = Math.max(0, maxY - minY + 1);
  // index[(y − minY)·bw + x − minX]: the pixel's number in the proxy, −1 outside the region.
  const index = new Int32Array(bw * bh).fill(-1);
  const pixelAt = new Int32Array(n);
  numberPixels(labels, spread, id, W, minX, maxX, minY, maxY, singles, index, pixelAt);
  const points = singles + 2 * (n - singles);
  const v0 = new Int32Array(allocate(4 * points)), v1 = new Int32Array(allocate(4 * points)), v2 = new Int32Array(allocate(4 * points));
  const w = new Float32Array(allocate(12 * points));
  const touched = new Uint8Array(SIZE * SIZE * SIZE);
  // The points are placed by the kernels (proxyPoints) from the pixels' colours, smooth
  // pixels (one point) first, gathered here; the kernel also sums their lightness.
  const scratch = new Scratch(kernels());
  const at = {
    colours: scratch.take(12 * singles + 24 * (n - singles)),
    v0: scratch.take(4 * points),
    v1: scratch.take(4 * points),
    v2: scratch.take(4 * points),
    w: scratch.take(12 * points),
    touched: scratch.take(touched.length),
    lin: scratch.take(4 * SRGB8_TO_LINEAR.length),
  };
  const k = scratch.commit();
  gatherSingles(data, pixelAt, singles, k.f32, at.colours >> 2);
  gatherDoubles(data, spread as Float32Array, pixelAt, singles, n, k.f32, (at.colours >> 2) + 3 * singles);
  k.f32.set(SRGB8_TO_LINEAR, at.lin >> 2);
  const lum = k.k.proxyPoints(at.colours, singles, n, SIZE, at.v0, at.v1, at.v2, at.w, at.touched, at.lin);
  v0.set(k.i32.subarray(at.v0 >> 2, (at.v0 >> 2) + points));
  v1.set(k.i32.subarray(at.v1 >> 2, (at.v1 >> 2) + points));
  v2.set(k.i32.subarray(at.v2 >> 2, (at.v2 >> 2) + points));
  w.set(k.f32.subarray(at.w >> 2, (at.w >> 2) + 3 * points));
  touched.set(k.u8.subarray(at.touched, at.touched + touched.length));
  const pairs = new Int32Array(allocate(16 * n));
  const npairs = neighbourPairs(index, bw, bh, pairs);
  const nodes = new Int32Array(allocate(4 * countTouched(touched)));
  listTouched(touched, nodes);
  return {
    id,
    pixels: n,
    midLuminance: n > 0 ? (lum / n) ** 3 : 0.18,
    singles,
    v0,
    v1,
    v2,
    w,
    pairs: pairs.subarray(0, npairs),
    nodes,
  };
}

/**
 * The rasters regionExtents scanned on this thread (a plan's working size and its half
 * size), and what it found — keyed by the working image, an object the renderer makes
 * for each plan (a caller's label array may be reused with other labels in it).
 */
const scanned = new WeakMap<FloatRgbImage, { labels: Uint8Array; spread: Float32Array | null; extents: Int32Array }>();

/**
 * Every label's pixel count, smooth pixel count and bounding box (minX, maxX, minY,
 * maxY), six numbers per label, from one scan of the raster — kept for later calls with
 * the same source: a thread builds the proxies of several regions of one plan, and
 * scanning the whole raster for each cost more than the rest of a proxy's passes.
 */
function regionExtents(work: FloatRgbImage, labels: Uint8Array, spread: Float32Array | null): Int32Array {
  const known = scanned.get(work);
  if (known && known.labels === labels && known.spread === spread) return known.extents;
  const { width: W, height: H } = work;
  const extents = new Int32Array(6 * 256);
  for (let l = 0; l < 256; l++) extents.set([0, 0, W, -1, H, -1], 6 * l);
  scanExtents(labels, spread, W, H, extents);
  scanned.set(work, { labels, spread, extents });
  return extents;
}

function scanExtents(labels: Uint8Array, spread: Float32Array | null, W: number, H: number, out: Int32Array): void {
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0; x < W; x++, i++) {
      const e = 6 * labels[i];
      out[e]++;
      if (isSmooth(spread, i)) out[e + 1]++;
      if (x < out[e + 2]) out[e + 2] = x;
      if (x > out[e + 3]) out[e + 3] = x;
      if (y < out[e + 4]) out[e + 4] = y;
      out[e + 5] = y;
    }
  }
}

/** Numbers the region's pixels (smooth ones first, each kind in scan order) into `index` (over the bounding box) and `pixelAt`. */
function numberPixels(labels: Uint8Array, spread: Float32Array | null, id: number, W: number, minX: number, maxX: number, minY: number, maxY: number, singles: number, index: Int32Array, pixelAt: Int32Array): void {
  const bw = maxX - minX + 1;
  for (let y = minY, nextSingle = 0, nextDouble = singles; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const i = y * W + x;
      if (labels[i] !== id) continue;
      const k = isSmooth(spread, i) ? nextSingle++ : nextDouble++;
      index[(y - minY) * bw + x - minX] = k;
      pixelAt[k] = i;
    }
  }
}

/** Right and down neighbours inside the region (`index` over its bw × bh box), in scan order, into `pairs`; returns how many numbers it wrote. */
function neighbourPairs(index: Int32Array, bw: number, bh: number, pairs: Int32Array): number {
  let npairs = 0;
  for (let y = 0, j = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++, j++) {
      const k = index[j];
      if (k < 0) continue;
      if (x + 1 < bw && index[j + 1] >= 0) {
        pairs[npairs++] = k;
        pairs[npairs++] = index[j + 1];
      }
      if (y + 1 < bh && index[j + bw] >= 0) {
        pairs[npairs++] = k;
        pairs[npairs++] = index[j + bw];
      }
    }
  }
  return npairs;
}

function countTouched(touched: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < touched.length; i++) count += touched[i];
  return count;
}

/** The touched lattice nodes as offsets into an RGB LUT. */
function listTouched(touched: Uint8Array, nodes: Int32Array): void {
  for (let i = 0, j = 0; i < touched.length; i++) if (touched[i]) nodes[j++] = i * 3;
}

/**
 * The colours of the smooth pixels pixelAt[0, singles) (f32 × 3 each) into `out` from
 * `at`. The two kinds of pixel are gathered by separate functions, each one loop that V8
 * optimises once and keeps: in one function the loop's code, compiled while it saw smooth
 * pixels only, was thrown away at the first two-point pixel on every proxy, and the
 * unoptimised stretches allocated a heap number per arithmetic step (young-generation
 * collections on the planner's threads). The same holds for buildRegionProxy's other passes.
 */
function gatherSingles(data: Float32Array, pixelAt: Int32Array, singles: number, out: Float32Array, at: number): void {
  for (let k = 0, o = at; k < singles; k++, o += 3) {
    const i = 3 * pixelAt[k];
    out[o] = data[i];
    out[o + 1] = data[i + 1];
    out[o + 2] = data[i + 2];
  }
}

/** The means and spreads of the pixels pixelAt[singles, n) (f32 × 6 each) into `out` from `at`. */
function gatherDoubles(data: Float32Array, spread: Float32Array, pixelAt: Int32Array, singles: number, n: number, out: Float32Array, at: number): void {
  for (let k = singles, o = at; k < n; k++, o += 6) {
    const i = 3 * pixelAt[k];
    out[o] = data[i];
    out[o + 1] = data[i + 1];
    out[o + 2] = data[i + 2];
    out[o + 3] = spread[i];
    out[o + 4] = spread[i + 1];
    out[o + 5] = spread[i + 2];
  }
}

/**
 * The proxy last evaluated on this thread, loaded into a kernels instance of its own
 * (wasm/kernels.ts): a solve evaluates one proxy a dozen times in a row, so its points
 * and pairs are copied in once; each evaluation writes only the LUT nodes it reads.
 */
interface LoadedProxy {
  readonly proxy: RegionProxy;
  /** The evaluation's LUT: f32 × 4 per node (r, g, b on 0..255, –); the points' vertex addresses are relative to it. */
  readonly lut: number;
  /** The transform's constants and operator (operator-kernel.ts), and the proxy's nodes (i32). */
  readonly operator: OperatorMemory;
  readonly nodes: number;
  readonly stats: number;
  readonly v0: number;
  readonly v1: number;
  readonly v2: number;
  readonly w: number;
  readonly pairs: number;
  readonly out: number;
}

/** Bytes of the loaded proxy's evaluation LUT: f32 × 4 per node. */
const LUT_BYTES = SIZE * SIZE * SIZE * 16;
let proxyKernels: Kernels | null = null;
let loaded: LoadedProxy | null = null;

function load(proxy: RegionProxy): { k: Kernels; at: LoadedProxy } {
  const k = (proxyKernels ??= newKernels());
  if (loaded?.proxy === proxy) return { k, at: loaded };
  const points = proxy.v0.length;
  const scratch = new Scratch(k);
  const at: LoadedProxy = {
    proxy,
    lut: scratch.take(LUT_BYTES),
    operator: takeOperatorMemory(scratch, SIZE),
    nodes: scratch.take(4 * proxy.nodes.length),
    stats: scratch.take(64),
    v0: scratch.take(4 * points),
    v1: scratch.take(4 * points),
    v2: scratch.take(4 * points),
    w: scratch.take(12 * points),
    pairs: scratch.take(4 * proxy.pairs.length),
    out: scratch.take(16 * proxy.pixels),
  };
  scratch.commit();
  k.i32.set(proxy.v0, at.v0 >> 2);
  k.i32.set(proxy.v1, at.v1 >> 2);
  k.i32.set(proxy.v2, at.v2 >> 2);
  k.f32.set(proxy.w, at.w >> 2);
  k.i32.set(proxy.pairs, at.pairs >> 2);
  k.i32.set(proxy.nodes, at.nodes >> 2);
  writeOperatorConstants(k, at.operator);
  loaded = at;
  return { k, at };
}

/**
 * The region's working-size statistics after rendering with `strengths`, as the
 * full-resolution render followed by area downsampling would measure them.
 */
export function proxyStats(proxy: RegionProxy, strengths: Strengths): RegionStats {
  const { k, at } = load(proxy);
  // The transform at the nodes the points read, into the evaluation's LUT (f32 × 4 on 0..255).
  writeOperator(k, at.operator, buildOperator(strengths, proxy.midLuminance));
  k.k.operatorNodes(at.operator.constants, at.operator.op, at.operator.lin, SIZE, at.nodes, proxy.nodes.length, at.lut, 1);
  // The pixel sums of RegionStats (scores/stats.ts) and the neighbour differences, in the kernel.
  k.k.proxyEval(at.lut, at.v0, at.v1, at.v2, at.w, FAR, proxy.pixels, proxy.singles, at.pairs, proxy.pairs.length / 2, at.out, at.stats);
  const f = at.stats >> 3;
  const sums = k.f64;
  // Each unordered neighbour pair is seen by two of the four shifts (design.md §3).
  const stats = emptyStats();
  Object.assign(stats, {
    n: proxy.pixels,
    sumR: sums[f],
    sumG: sums[f + 1],
    sumB: sums[f + 2],
    sumRg: sums[f + 3],
    sumRg2: sums[f + 4],
    sumYb: sums[f + 5],
    sumYb2: sums[f + 6],
    sumDiff: 2 * sums[f + 7],
    pairs: proxy.pairs.length,
  });
  return stats;
}
