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
  /**
   * Pixels 0 .. singles − 1 are represented by one point (point k), the others by two
   * (points singles + 2(k − singles) and the next): sorted so that the evaluation runs two
   * branch-free loops.
   */
  readonly singles: number;
  /** Per point: its lattice cell's first vertex and the second and third tetrahedron vertices (offsets into an RGB LUT). */
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
const S_R = SIZE * SIZE * 3, S_G = SIZE * 3, S_B = 3, S_ALL = S_R + S_G + S_B;

/** Whether a pixel's block is smooth enough for its mean alone to stand for it. */
function isSmooth(spread: Float32Array | null, i: number): boolean {
  return !spread || (spread[3 * i] < SMOOTH_SPREAD && spread[3 * i + 1] < SMOOTH_SPREAD && spread[3 * i + 2] < SMOOTH_SPREAD);
}

/** Builds the proxy of region `id` from the working-size means and block spreads. */
export function buildRegionProxy(work: FloatRgbImage, spread: Float32Array | null, labels: Uint8Array, id: number): RegionProxy {
  const { width: W, height: H, data } = work;
  // Region pixels in scan order, then renumbered: smooth (one-point) pixels first. The
  // later passes walk only the region's bounding rows and columns.
  let n = 0, singles = 0;
  let minX = W, maxX = -1, minY = H, maxY = -1;
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0; x < W; x++, i++) {
      if (labels[i] !== id) continue;
      n++;
      if (isSmooth(spread, i)) singles++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      maxY = y;
    }
  }
  const bw = Math.max(0, maxX - minX + 1), bh = Math.max(0, maxY - minY + 1);
  // index[(y − minY)·bw + x − minX]: the pixel's number in the proxy, −1 outside the region.
  const index = new Int32Array(bw * bh).fill(-1);
  const pixelAt = new Int32Array(n);
  for (let y = minY, nextSingle = 0, nextDouble = singles; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const i = y * W + x;
      if (labels[i] !== id) continue;
      const k = isSmooth(spread, i) ? nextSingle++ : nextDouble++;
      index[(y - minY) * bw + x - minX] = k;
      pixelAt[k] = i;
    }
  }
  const points = singles + 2 * (n - singles);
  const v0 = new Int32Array(points), v1 = new Int32Array(points), v2 = new Int32Array(points), w = new Float32Array(3 * points);
  const touched = new Uint8Array(SIZE * SIZE * SIZE);
  let np = 0, lum = 0;
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
    v0[np] = at;
    v1[np] = at + o1;
    v2[np] = at + o2;
    w[3 * np] = w1;
    w[3 * np + 1] = w2;
    w[3 * np + 2] = w3;
    np++;
    touched[at / 3] = 1;
    touched[(at + o1) / 3] = 1;
    touched[(at + o2) / 3] = 1;
    touched[(at + S_ALL) / 3] = 1;
  };
  for (let k = 0; k < n; k++) {
    const i = pixelAt[k];
    const r = data[3 * i], g = data[3 * i + 1], b = data[3 * i + 2];
    lum += Math.cbrt(0.2126729 * SRGB8_TO_LINEAR[Math.round(r)] + 0.7151522 * SRGB8_TO_LINEAR[Math.round(g)] + 0.072175 * SRGB8_TO_LINEAR[Math.round(b)]);
    if (k < singles) point(r, g, b);
    else {
      const sr = (spread as Float32Array)[3 * i], sg = (spread as Float32Array)[3 * i + 1], sb = (spread as Float32Array)[3 * i + 2];
      point(r + sr, g + sg, b + sb);
      point(r - sr, g - sg, b - sb);
    }
  }
  // Right and down neighbours inside the region, in scan order.
  const pairs = new Int32Array(4 * n);
  let npairs = 0;
  for (let j = 0; j < bw * bh; j++) {
    const k = index[j];
    if (k < 0) continue;
    if ((j % bw) + 1 < bw && index[j + 1] >= 0) {
      pairs[npairs++] = k;
      pairs[npairs++] = index[j + 1];
    }
    if (j + bw < bw * bh && index[j + bw] >= 0) {
      pairs[npairs++] = k;
      pairs[npairs++] = index[j + bw];
    }
  }
  let nodeCount = 0;
  for (let i = 0; i < touched.length; i++) nodeCount += touched[i];
  const nodes = new Int32Array(nodeCount);
  for (let i = 0, j = 0; i < touched.length; i++) if (touched[i]) nodes[j++] = i * 3;
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
  const { singles, v0, v1, v2, w } = proxy;
  // The pixel sums of RegionStats (scores/stats.ts), inlined: these loops run for every
  // solver evaluation over every pixel of the region.
  let sumR = 0, sumG = 0, sumB = 0, sumRg = 0, sumRg2 = 0, sumYb = 0, sumYb2 = 0;
  for (let k = 0, p = 0; k < proxy.pixels; k++) {
    let R: number, G: number, B: number;
    if (k < singles) {
      const a = v0[p], c1 = v1[p], c2 = v2[p], c3 = a + S_ALL;
      const w1 = w[3 * p], w2 = w[3 * p + 1], w3 = w[3 * p + 2], w0 = 1 - w1 - w2 - w3;
      R = w0 * lut[a] + w1 * lut[c1] + w2 * lut[c2] + w3 * lut[c3];
      G = w0 * lut[a + 1] + w1 * lut[c1 + 1] + w2 * lut[c2 + 1] + w3 * lut[c3 + 1];
      B = w0 * lut[a + 2] + w1 * lut[c1 + 2] + w2 * lut[c2 + 2] + w3 * lut[c3 + 2];
      p++;
    } else {
      // Two sigma points: the mean of their transforms.
      const a = v0[p], c1 = v1[p], c2 = v2[p], c3 = a + S_ALL;
      const w1 = w[3 * p], w2 = w[3 * p + 1], w3 = w[3 * p + 2], w0 = 1 - w1 - w2 - w3;
      const q = p + 1;
      const e = v0[q], d1 = v1[q], d2 = v2[q], d3 = e + S_ALL;
      const u1 = w[3 * q], u2 = w[3 * q + 1], u3 = w[3 * q + 2], u0 = 1 - u1 - u2 - u3;
      R = 0.5 * (w0 * lut[a] + w1 * lut[c1] + w2 * lut[c2] + w3 * lut[c3] + (u0 * lut[e] + u1 * lut[d1] + u2 * lut[d2] + u3 * lut[d3]));
      G = 0.5 * (w0 * lut[a + 1] + w1 * lut[c1 + 1] + w2 * lut[c2 + 1] + w3 * lut[c3 + 1] + (u0 * lut[e + 1] + u1 * lut[d1 + 1] + u2 * lut[d2 + 1] + u3 * lut[d3 + 1]));
      B = 0.5 * (w0 * lut[a + 2] + w1 * lut[c1 + 2] + w2 * lut[c2 + 2] + w3 * lut[c3 + 2] + (u0 * lut[e + 2] + u1 * lut[d1 + 2] + u2 * lut[d2 + 2] + u3 * lut[d3 + 2]));
      p += 2;
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

