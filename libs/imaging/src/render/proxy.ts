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

import { linearToSrgbFast, srgbToLinear } from '../color/srgb.js';
import type { FloatRgbImage } from '../image.js';
import { addPair, addPixel, emptyStats, type RegionStats } from '../scores/stats.js';
import { applyOperator, buildOperator, type Strengths } from './operators.js';

/** Lattice nodes per axis for the solver's LUT (the final render uses LUT_SIZE). */
export const PROXY_LUT_SIZE = 17;
/** Below this block standard deviation (0..255 codes) a pixel is represented by its mean alone. */
const SMOOTH_SPREAD = 2.5;

export interface RegionProxy {
  readonly id: number;
  /** Number of region pixels at working size. */
  readonly pixels: number;
  /** Mean linear luminance of the region as shot: the contrast curve's pivot. */
  readonly midLuminance: number;
  /** Per pixel, its points are pointStart[k] .. pointStart[k + 1] − 1. */
  readonly pointStart: Int32Array;
  /** Per point: lattice base offset and the two cumulative tetrahedron offsets. */
  readonly base: Int32Array;
  readonly off1: Int32Array;
  readonly off2: Int32Array;
  /** Per point: weights of the 2nd, 3rd and 4th tetrahedron vertices (the 1st is 1 − Σ). */
  readonly w: Float32Array;
  /** Pairs of region-pixel indices that are right/down neighbours inside the region. */
  readonly pairs: Int32Array;
  /** Lattice nodes (offsets into an RGB LUT) that any point touches. */
  readonly nodes: Int32Array;
}

const SIZE = PROXY_LUT_SIZE;
const S_R = SIZE * SIZE * 3, S_G = SIZE * 3, S_B = 3, S_ALL = S_R + S_G + S_B;

/** Builds the proxy of region `id` from the working-size means and block spreads. */
export function buildRegionProxy(work: FloatRgbImage, spread: Float32Array | null, labels: Uint8Array, id: number): RegionProxy {
  const { width: W, height: H, data } = work;
  const index = new Int32Array(W * H).fill(-1);
  let n = 0;
  for (let i = 0; i < W * H; i++) if (labels[i] === id) index[i] = n++;
  const pointStart = new Int32Array(n + 1);
  const pts: number[] = [];
  const pairList: number[] = [];
  const touched = new Uint8Array(SIZE * SIZE * SIZE);
  let lum = 0;
  const point = (r: number, g: number, b: number) => {
    const c = (v: number) => (Math.min(255, Math.max(0, v)) * (SIZE - 1)) / 255;
    const fr = c(r), fg = c(g), fb = c(b);
    const ir = Math.min(SIZE - 2, Math.floor(fr)), ig = Math.min(SIZE - 2, Math.floor(fg)), ib = Math.min(SIZE - 2, Math.floor(fb));
    const dr = fr - ir, dg = fg - ig, db = fb - ib;
    let o1: number, o2: number, w1: number, w2: number, w3: number;
    if (dr >= dg) {
      if (dg >= db) { o1 = S_R; o2 = S_R + S_G; w1 = dr - dg; w2 = dg - db; w3 = db; }
      else if (dr >= db) { o1 = S_R; o2 = S_R + S_B; w1 = dr - db; w2 = db - dg; w3 = dg; }
      else { o1 = S_B; o2 = S_R + S_B; w1 = db - dr; w2 = dr - dg; w3 = dg; }
    } else if (db >= dg) { o1 = S_B; o2 = S_G + S_B; w1 = db - dg; w2 = dg - dr; w3 = dr; }
    else if (db >= dr) { o1 = S_G; o2 = S_G + S_B; w1 = dg - db; w2 = db - dr; w3 = dr; }
    else { o1 = S_G; o2 = S_R + S_G; w1 = dg - dr; w2 = dr - db; w3 = db; }
    const base = ir * S_R + ig * S_G + ib * S_B;
    pts.push(base, o1, o2, w1, w2, w3);
    for (const o of [base, base + o1, base + o2, base + S_ALL]) touched[o / 3] = 1;
  };
  let k = 0;
  for (let i = 0; i < W * H; i++) {
    if (index[i] < 0) continue;
    const r = data[3 * i], g = data[3 * i + 1], b = data[3 * i + 2];
    lum += 0.2126729 * srgbToLinear(r / 255) + 0.7151522 * srgbToLinear(g / 255) + 0.072175 * srgbToLinear(b / 255);
    pointStart[k] = pts.length / 6;
    const sr = spread ? spread[3 * i] : 0, sg = spread ? spread[3 * i + 1] : 0, sb = spread ? spread[3 * i + 2] : 0;
    if (Math.max(sr, sg, sb) < SMOOTH_SPREAD) point(r, g, b);
    else {
      point(r + sr, g + sg, b + sb);
      point(r - sr, g - sg, b - sb);
    }
    const x = i % W, y = (i - x) / W;
    if (x + 1 < W && index[i + 1] >= 0) pairList.push(k, index[i + 1]);
    if (y + 1 < H && index[i + W] >= 0) pairList.push(k, index[i + W]);
    k++;
  }
  pointStart[n] = pts.length / 6;
  const np = pts.length / 6;
  const base = new Int32Array(np), off1 = new Int32Array(np), off2 = new Int32Array(np), w = new Float32Array(np * 3);
  for (let p = 0; p < np; p++) {
    base[p] = pts[6 * p];
    off1[p] = pts[6 * p + 1];
    off2[p] = pts[6 * p + 2];
    w[3 * p] = pts[6 * p + 3];
    w[3 * p + 1] = pts[6 * p + 4];
    w[3 * p + 2] = pts[6 * p + 5];
  }
  const nodes: number[] = [];
  for (let i = 0; i < touched.length; i++) if (touched[i]) nodes.push(i * 3);
  return {
    id,
    pixels: n,
    midLuminance: n > 0 ? lum / n : 0.18,
    pointStart,
    base,
    off1,
    off2,
    w,
    pairs: Int32Array.from(pairList),
    nodes: Int32Array.from(nodes),
  };
}

/** Linear value of each lattice coordinate, shared by all proxies. */
const NODE_LINEAR = Float64Array.from({ length: SIZE }, (_, i) => srgbToLinear(i / (SIZE - 1)));

/** Scratch buffers reused across evaluations (one evaluation at a time). */
let scratchLut = new Float32Array(SIZE * SIZE * SIZE * 3);
let scratchOut = new Float32Array(0);

/**
 * The region's working-size statistics after rendering with `strengths`, as the
 * full-resolution render followed by area downsampling would measure them.
 */
export function proxyStats(proxy: RegionProxy, strengths: Strengths): RegionStats {
  const op = buildOperator(strengths, proxy.midLuminance);
  const lut = scratchLut;
  const o = new Float64Array(3);
  const { nodes } = proxy;
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k] / 3;
    const b = n % SIZE, g = ((n - b) / SIZE) % SIZE, r = (n - b - g * SIZE) / (SIZE * SIZE);
    applyOperator(op, NODE_LINEAR[r], NODE_LINEAR[g], NODE_LINEAR[b], o);
    lut[nodes[k]] = linearToSrgbFast(o[0]) * 255;
    lut[nodes[k] + 1] = linearToSrgbFast(o[1]) * 255;
    lut[nodes[k] + 2] = linearToSrgbFast(o[2]) * 255;
  }
  if (scratchOut.length < proxy.pixels * 3) scratchOut = new Float32Array(proxy.pixels * 3);
  const out = scratchOut;
  const { pointStart, base, off1, off2, w } = proxy;
  const stats = emptyStats();
  for (let k = 0; k < proxy.pixels; k++) {
    let R = 0, G = 0, B = 0;
    const p0 = pointStart[k], p1 = pointStart[k + 1];
    for (let p = p0; p < p1; p++) {
      const a = base[p], c1 = a + off1[p], c2 = a + off2[p], c3 = a + S_ALL;
      const w1 = w[3 * p], w2 = w[3 * p + 1], w3 = w[3 * p + 2], w0 = 1 - w1 - w2 - w3;
      R += w0 * lut[a] + w1 * lut[c1] + w2 * lut[c2] + w3 * lut[c3];
      G += w0 * lut[a + 1] + w1 * lut[c1 + 1] + w2 * lut[c2 + 1] + w3 * lut[c3 + 1];
      B += w0 * lut[a + 2] + w1 * lut[c1 + 2] + w2 * lut[c2 + 2] + w3 * lut[c3 + 2];
    }
    const inv = 1 / (p1 - p0);
    R *= inv; G *= inv; B *= inv;
    out[3 * k] = R; out[3 * k + 1] = G; out[3 * k + 2] = B;
    addPixel(stats, R, G, B);
  }
  const { pairs } = proxy;
  for (let i = 0; i < pairs.length; i += 2) {
    const a = 3 * pairs[i], b = 3 * pairs[i + 1];
    // Each unordered neighbour pair is seen by two of the four shifts (design.md §3).
    addPair(stats, out[a], out[a + 1], out[a + 2], out[b], out[b + 1], out[b + 2]);
    addPair(stats, out[a], out[a + 1], out[a + 2], out[b], out[b + 1], out[b + 2]);
  }
  return stats;
}

/** Frees the scratch buffers (tests; long-lived services never need to). */
export function releaseProxyScratch(): void {
  scratchLut = new Float32Array(SIZE * SIZE * SIZE * 3);
  scratchOut = new Float32Array(0);
}
