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

import { SRGB8_TO_LINEAR, linearToSrgbFast, srgbToLinear } from '../color/srgb.js';
import type { FloatRgbImage } from '../image.js';
import { emptyStats, type RegionStats } from '../scores/stats.js';
import { applyOperator, buildOperator, type Strengths } from './operators.js';

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
  // At most two points per pixel and two pairs (right, down) per pixel.
  const base = new Int32Array(2 * n), off1 = new Int32Array(2 * n), off2 = new Int32Array(2 * n), w = new Float32Array(6 * n);
  const pairs = new Int32Array(4 * n);
  const touched = new Uint8Array(SIZE * SIZE * SIZE);
  let np = 0, npairs = 0, lum = 0;
  const point = (r: number, g: number, b: number): void => {
    const fr = (Math.min(255, Math.max(0, r)) * (SIZE - 1)) / 255;
    const fg = (Math.min(255, Math.max(0, g)) * (SIZE - 1)) / 255;
    const fb = (Math.min(255, Math.max(0, b)) * (SIZE - 1)) / 255;
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
    const at = ir * S_R + ig * S_G + ib * S_B;
    base[np] = at;
    off1[np] = o1;
    off2[np] = o2;
    w[3 * np] = w1;
    w[3 * np + 1] = w2;
    w[3 * np + 2] = w3;
    np++;
    touched[at / 3] = 1;
    touched[(at + o1) / 3] = 1;
    touched[(at + o2) / 3] = 1;
    touched[(at + S_ALL) / 3] = 1;
  };
  let k = 0;
  for (let i = 0; i < W * H; i++) {
    if (index[i] < 0) continue;
    const r = data[3 * i], g = data[3 * i + 1], b = data[3 * i + 2];
    lum += Math.cbrt(0.2126729 * SRGB8_TO_LINEAR[Math.round(r)] + 0.7151522 * SRGB8_TO_LINEAR[Math.round(g)] + 0.072175 * SRGB8_TO_LINEAR[Math.round(b)]);
    pointStart[k] = np;
    const sr = spread ? spread[3 * i] : 0, sg = spread ? spread[3 * i + 1] : 0, sb = spread ? spread[3 * i + 2] : 0;
    if (sr < SMOOTH_SPREAD && sg < SMOOTH_SPREAD && sb < SMOOTH_SPREAD) point(r, g, b);
    else {
      point(r + sr, g + sg, b + sb);
      point(r - sr, g - sg, b - sb);
    }
    const x = i % W;
    if (x + 1 < W && index[i + 1] >= 0) {
      pairs[npairs++] = k;
      pairs[npairs++] = index[i + 1];
    }
    if (i + W < W * H && index[i + W] >= 0) {
      pairs[npairs++] = k;
      pairs[npairs++] = index[i + W];
    }
    k++;
  }
  pointStart[n] = np;
  let nodeCount = 0;
  for (let i = 0; i < touched.length; i++) nodeCount += touched[i];
  const nodes = new Int32Array(nodeCount);
  for (let i = 0, j = 0; i < touched.length; i++) if (touched[i]) nodes[j++] = i * 3;
  return {
    id,
    pixels: n,
    midLuminance: n > 0 ? (lum / n) ** 3 : 0.18,
    pointStart,
    base: base.subarray(0, np),
    off1: off1.subarray(0, np),
    off2: off2.subarray(0, np),
    w: w.subarray(0, 3 * np),
    pairs: pairs.subarray(0, npairs),
    nodes,
  };
}

/** Linear value of each lattice coordinate, shared by all proxies. */
const NODE_LINEAR = Float64Array.from({ length: SIZE }, (_, i) => srgbToLinear(i / (SIZE - 1)));

/** Scratch buffers reused across evaluations (one evaluation at a time). */
const scratchLut = new Float32Array(SIZE * SIZE * SIZE * 3);
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
  // The pixel sums of RegionStats (scores/stats.ts), inlined: this loop runs for every
  // solver evaluation over every pixel of the region.
  let sumR = 0, sumG = 0, sumB = 0, sumRg = 0, sumRg2 = 0, sumYb = 0, sumYb2 = 0;
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
    if (p1 - p0 === 2) {
      R *= 0.5; G *= 0.5; B *= 0.5;
    }
    out[3 * k] = R; out[3 * k + 1] = G; out[3 * k + 2] = B;
    const rg = R > G ? R - G : G - R;
    const ybv = 0.5 * (R + G) - B;
    const yb = ybv > 0 ? ybv : -ybv;
    sumR += R; sumG += G; sumB += B;
    sumRg += rg; sumRg2 += rg * rg;
    sumYb += yb; sumYb2 += yb * yb;
  }
  // Each unordered neighbour pair is seen by two of the four shifts (design.md §3).
  const { pairs } = proxy;
  let sumDiff = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    const a = 3 * pairs[i], b = 3 * pairs[i + 1];
    const dr = out[a] - out[b], dg = out[a + 1] - out[b + 1], db = out[a + 2] - out[b + 2];
    sumDiff += dr * dr + dg * dg + db * db;
  }
  const stats = emptyStats();
  Object.assign(stats, { n: proxy.pixels, sumR, sumG, sumB, sumRg, sumRg2, sumYb, sumYb2, sumDiff: 2 * sumDiff, pairs: pairs.length });
  return stats;
}

