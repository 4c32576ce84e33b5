/**
 * Edge-aware feathering of region masks with the colour guided filter
 * (K. He, J. Sun, X. Tang, "Guided Image Filtering", IEEE TPAMI 35(6), 2013, Alg. 2),
 * computed on the working-size grid and upsampled the way the fast guided filter does
 * (K. He, J. Sun, "Fast Guided Filter", arXiv:1505.00996, 2015): the linear
 * coefficients (a, b) are interpolated to full resolution and applied to the
 * full-resolution guide, so weights follow object edges at every resolution.
 */

/** Box mean over the (2r+1)² window clipped to the image, by running sums. O(w·h). */
export function boxMean(src: Float32Array, width: number, height: number, radius: number, out: Float32Array, tmp: Float32Array): Float32Array {
  // Horizontal pass into tmp (sums), then vertical pass dividing by the clipped window area.
  const reach = Math.min(radius, width - 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let acc = 0;
    for (let x = 0; x <= reach; x++) acc += src[row + x];
    // Three stretches, so the loops carry no bounds tests: the window grows, slides, shrinks.
    const grow = Math.min(width, Math.max(0, width - radius - 1));
    let x = 0;
    for (; x < grow && x < radius; x++) {
      tmp[row + x] = acc;
      acc += src[row + x + radius + 1];
    }
    for (; x < grow; x++) {
      tmp[row + x] = acc;
      acc += src[row + x + radius + 1];
      acc -= src[row + x - radius];
    }
    for (; x < width; x++) {
      tmp[row + x] = acc;
      if (x - radius >= 0) acc -= src[row + x - radius];
    }
  }
  // Clipped window widths per column: the same for every row.
  const nx = new Float64Array(width);
  for (let x = 0; x < width; x++) nx[x] = Math.min(width - 1, x + radius) - Math.max(0, x - radius) + 1;
  const colAcc = new Float64Array(width);
  for (let y = 0; y < Math.min(radius, height - 1) + 1; y++) for (let x = 0; x < width; x++) colAcc[x] += tmp[y * width + x];
  for (let y = 0; y < height; y++) {
    const ny = Math.min(height - 1, y + radius) - Math.max(0, y - radius) + 1;
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = colAcc[x] / (nx[x] * ny);
    const add = y + radius + 1;
    const sub = y - radius;
    if (add < height && sub >= 0) {
      const ra = add * width, rs = sub * width;
      for (let x = 0; x < width; x++) {
        colAcc[x] += tmp[ra + x];
        colAcc[x] -= tmp[rs + x];
      }
    } else {
      if (add < height) for (let x = 0; x < width; x++) colAcc[x] += tmp[add * width + x];
      if (sub >= 0) for (let x = 0; x < width; x++) colAcc[x] -= tmp[sub * width + x];
    }
  }
  return out;
}

/** The guide's local statistics, shared by every region filtered with it. */
export interface GuideStatistics {
  readonly width: number;
  readonly height: number;
  readonly radius: number;
  /** Planar guide channels (R, G, B on 0..1). */
  readonly guide: readonly [Float32Array, Float32Array, Float32Array];
  readonly mean: readonly [Float32Array, Float32Array, Float32Array];
  /** (Σ + εU)⁻¹ per pixel, symmetric: rr, rg, rb, gg, gb, bb. */
  readonly inverse: readonly Float32Array[];
}

/**
 * Prepares the guide: planar channels, local means and the inverted regularised
 * local covariance (He et al. 2013, eq. 14). `rgb255` is interleaved 0..255.
 */
export function prepareGuide(rgb255: Float32Array, width: number, height: number, radius: number, epsilon: number): GuideStatistics {
  const n = width * height;
  const guide: [Float32Array, Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    guide[0][i] = rgb255[3 * i] / 255;
    guide[1][i] = rgb255[3 * i + 1] / 255;
    guide[2][i] = rgb255[3 * i + 2] / 255;
  }
  const tmp = new Float32Array(n);
  const prod = new Float32Array(n);
  const mean = guide.map((c) => boxMean(c, width, height, radius, new Float32Array(n), tmp)) as [Float32Array, Float32Array, Float32Array];
  const pairs: [number, number][] = [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]];
  const cov = pairs.map(([i, j]) => {
    for (let k = 0; k < n; k++) prod[k] = guide[i][k] * guide[j][k];
    const c = boxMean(prod, width, height, radius, new Float32Array(n), tmp);
    for (let k = 0; k < n; k++) c[k] -= mean[i][k] * mean[j][k];
    return c;
  });
  const inverse = pairs.map(() => new Float32Array(n));
  for (let k = 0; k < n; k++) {
    const rr = cov[0][k] + epsilon, rg = cov[1][k], rb = cov[2][k];
    const gg = cov[3][k] + epsilon, gb = cov[4][k], bb = cov[5][k] + epsilon;
    const c00 = gg * bb - gb * gb, c01 = rb * gb - rg * bb, c02 = rg * gb - rb * gg;
    const det = rr * c00 + rg * c01 + rb * c02;
    inverse[0][k] = c00 / det;
    inverse[1][k] = c01 / det;
    inverse[2][k] = c02 / det;
    inverse[3][k] = (rr * bb - rb * rb) / det;
    inverse[4][k] = (rb * rg - rr * gb) / det;
    inverse[5][k] = (rr * gg - rg * rg) / det;
  }
  return { width, height, radius, guide, mean, inverse };
}

/** A region's feathering coefficients on a window of the grid (zero outside it). */
export interface FeatherCoefficients {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  /** Interleaved (a_r, a_g, a_b, b) per grid node of the window, already box-averaged. */
  readonly ab: Float32Array;
}

/**
 * Filters a region's indicator (1 inside, 0 outside) with the guide and returns the
 * box-averaged linear coefficients, on the region's bounding box grown by the
 * filter's reach (2r + 1), outside which they are exactly zero.
 */
export function featherCoefficients(stats: GuideStatistics, labels: Uint8Array, id: number): FeatherCoefficients {
  const { width: W, height: H, radius: r } = stats;
  let minX = W, minY = H, maxX = -1, maxY = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (labels[y * W + x] !== id) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxX < 0) return { x0: 0, y0: 0, width: 0, height: 0, ab: new Float32Array(0) };
  const reach = 2 * r + 1;
  const x0 = Math.max(0, minX - reach), y0 = Math.max(0, minY - reach);
  const w = Math.min(W - 1, maxX + reach) - x0 + 1;
  const h = Math.min(H - 1, maxY + reach) - y0 + 1;
  const n = w * h;
  const p = new Float32Array(n);
  const ip = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const g = (y + y0) * W + x + x0;
      const k = y * w + x;
      if (labels[g] === id) {
        p[k] = 1;
        ip[0][k] = stats.guide[0][g];
        ip[1][k] = stats.guide[1][g];
        ip[2][k] = stats.guide[2][g];
      }
    }
  }
  const tmp = new Float32Array(n);
  const meanP = boxMean(p, w, h, r, new Float32Array(n), tmp);
  const meanIp = ip.map((c) => boxMean(c, w, h, r, new Float32Array(n), tmp));
  const a = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const b = new Float32Array(n);
  const [i0, i1, i2, i3, i4, i5] = stats.inverse;
  const [m0, m1, m2] = stats.mean;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = y * w + x;
      const g = (y + y0) * W + x + x0;
      const mp = meanP[k];
      if (mp === 0 || mp === 1) {
        // A window entirely outside or inside the region: the filter is exactly flat.
        a[0][k] = 0; a[1][k] = 0; a[2][k] = 0; b[k] = mp;
        continue;
      }
      const c0 = meanIp[0][k] - m0[g] * mp;
      const c1 = meanIp[1][k] - m1[g] * mp;
      const c2 = meanIp[2][k] - m2[g] * mp;
      const a0 = i0[g] * c0 + i1[g] * c1 + i2[g] * c2;
      const a1 = i1[g] * c0 + i3[g] * c1 + i4[g] * c2;
      const a2 = i2[g] * c0 + i4[g] * c1 + i5[g] * c2;
      a[0][k] = a0; a[1][k] = a1; a[2][k] = a2;
      b[k] = mp - a0 * m0[g] - a1 * m1[g] - a2 * m2[g];
    }
  }
  const ma = a.map((c) => boxMean(c, w, h, r, new Float32Array(n), tmp));
  const mb = boxMean(b, w, h, r, new Float32Array(n), tmp);
  const ab = new Float32Array(n * 4);
  for (let k = 0; k < n; k++) {
    // Snap the flat parts to exact 0/1 so that interiors take the fast path and
    // pixels far from the region stay bit-identical.
    const flat = Math.abs(ma[0][k]) < 1e-7 && Math.abs(ma[1][k]) < 1e-7 && Math.abs(ma[2][k]) < 1e-7;
    ab[4 * k] = flat ? 0 : ma[0][k];
    ab[4 * k + 1] = flat ? 0 : ma[1][k];
    ab[4 * k + 2] = flat ? 0 : ma[2][k];
    ab[4 * k + 3] = flat && Math.abs(mb[k]) < 1e-6 ? 0 : flat && Math.abs(mb[k] - 1) < 1e-6 ? 1 : mb[k];
  }
  return { x0, y0, width: w, height: h, ab };
}
