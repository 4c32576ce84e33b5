/**
 * SLIC superpixels in CIELAB + position.
 *
 * Achanta, Shaji, Smith, Lucchi, Fua, Süsstrunk, "SLIC Superpixels Compared to
 * State-of-the-Art Superpixel Methods", IEEE TPAMI 34(11), 2012: grid seeds moved to the
 * lowest gradient in their 3×3 neighbourhood, local k-means in a 2S×2S window with
 * D² = d_lab² + (d_xy / S)² · m², then connectivity enforced by relabelling connected
 * components and absorbing those under S²/4 pixels into a neighbour.
 */
import type { WorkingImage } from './working-image.js';

export interface Superpixels {
  /** Superpixel id per working pixel, 0..count−1. */
  readonly ids: Int32Array;
  readonly count: number;
}

export interface SlicOptions {
  /** Wanted number of superpixels (the grid step S follows from it). */
  readonly target?: number;
  /** m: colour against space; 10 is the paper's usual value for Lab. */
  readonly compactness?: number;
  readonly iterations?: number;
}

export function slic(work: WorkingImage, options: SlicOptions = {}): Superpixels {
  const { width: W, height: H, gradient } = work;
  // Clustered on a lightly smoothed copy: on rock or foliage, single bright pixels would
  // otherwise join a neighbouring white cloud's superpixel in long interleaved threads.
  const L = boxBlur3(work.L, W, H), a = boxBlur3(work.a, W, H), b = boxBlur3(work.b, W, H);
  const n = W * H;
  const target = Math.max(1, options.target ?? 900);
  const m = options.compactness ?? 10;
  const S = Math.max(2, Math.round(Math.sqrt(n / target)));
  const spatial = (m * m) / (S * S);

  // Seeds on a grid, nudged to the lowest gradient in 3×3 so none sits on an edge.
  const seeds: number[] = [];
  for (let y = Math.floor(S / 2); y < H; y += S) {
    for (let x = Math.floor(S / 2); x < W; x += S) {
      let best = y * W + x;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx, yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
          if (gradient[yy * W + xx] < gradient[best]) best = yy * W + xx;
        }
      }
      seeds.push(best);
    }
  }
  const k = seeds.length;
  const cL = new Float64Array(k), ca = new Float64Array(k), cb = new Float64Array(k), cx = new Float64Array(k), cy = new Float64Array(k);
  seeds.forEach((p, c) => {
    cL[c] = L[p];
    ca[c] = a[p];
    cb[c] = b[p];
    cx[c] = p % W;
    cy[c] = Math.floor(p / W);
  });

  const ids = new Int32Array(n).fill(-1);
  const dist = new Float32Array(n);
  const sL = new Float64Array(k), sa = new Float64Array(k), sb = new Float64Array(k), sx = new Float64Array(k), sy = new Float64Array(k), cnt = new Float64Array(k);
  const iterations = options.iterations ?? 6;
  for (let it = 0; it < iterations; it++) {
    dist.fill(Infinity);
    for (let c = 0; c < k; c++) {
      const x0 = Math.max(0, Math.floor(cx[c] - S)), x1 = Math.min(W - 1, Math.ceil(cx[c] + S));
      const y0 = Math.max(0, Math.floor(cy[c] - S)), y1 = Math.min(H - 1, Math.ceil(cy[c] + S));
      const l = cL[c], aa = ca[c], bb = cb[c], px = cx[c], py = cy[c];
      for (let y = y0; y <= y1; y++) {
        const dyy = (y - py) * (y - py);
        let i = y * W + x0;
        for (let x = x0; x <= x1; x++, i++) {
          const dl = L[i] - l, da = a[i] - aa, db = b[i] - bb;
          const d = dl * dl + da * da + db * db + ((x - px) * (x - px) + dyy) * spatial;
          if (d < dist[i]) {
            dist[i] = d;
            ids[i] = c;
          }
        }
      }
    }
    sL.fill(0); sa.fill(0); sb.fill(0); sx.fill(0); sy.fill(0); cnt.fill(0);
    for (let y = 0, i = 0; y < H; y++) {
      for (let x = 0; x < W; x++, i++) {
        const c = ids[i];
        if (c < 0) continue;
        sL[c] += L[i]; sa[c] += a[i]; sb[c] += b[i]; sx[c] += x; sy[c] += y; cnt[c]++;
      }
    }
    for (let c = 0; c < k; c++) {
      if (cnt[c] === 0) continue;
      cL[c] = sL[c] / cnt[c]; ca[c] = sa[c] / cnt[c]; cb[c] = sb[c] / cnt[c]; cx[c] = sx[c] / cnt[c]; cy[c] = sy[c] / cnt[c];
    }
  }
  return enforceConnectivity(ids, W, H, Math.max(1, Math.floor((S * S) / 4)));
}

/**
 * Relabels 4-connected components with consecutive ids; a component smaller than
 * `minSize` joins the component to its left/top (the one met just before it), as in
 * the reference implementation.
 */
export function enforceConnectivity(ids: Int32Array, W: number, H: number, minSize: number): Superpixels {
  const n = W * H;
  const out = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let next = 0;
  for (let start = 0; start < n; start++) {
    if (out[start] >= 0) continue;
    const original = ids[start];
    // The label of an already-visited neighbour, used if this component is too small.
    let adjacent = -1;
    const sx = start % W, sy = (start - sx) / W;
    if (sx > 0 && out[start - 1] >= 0) adjacent = out[start - 1];
    else if (sy > 0 && out[start - W] >= 0) adjacent = out[start - W];
    let head = 0, tail = 0;
    queue[tail++] = start;
    out[start] = next;
    while (head < tail) {
      const p = queue[head++];
      const x = p % W;
      if (x > 0 && out[p - 1] < 0 && ids[p - 1] === original) { out[p - 1] = next; queue[tail++] = p - 1; }
      if (x < W - 1 && out[p + 1] < 0 && ids[p + 1] === original) { out[p + 1] = next; queue[tail++] = p + 1; }
      if (p >= W && out[p - W] < 0 && ids[p - W] === original) { out[p - W] = next; queue[tail++] = p - W; }
      if (p + W < n && out[p + W] < 0 && ids[p + W] === original) { out[p + W] = next; queue[tail++] = p + W; }
    }
    if (tail < minSize && adjacent >= 0) {
      for (let q = 0; q < tail; q++) out[queue[q]] = adjacent;
    } else {
      next++;
    }
  }
  return { ids: out, count: next };
}

/** 3×3 box mean (at the border, the mean of the neighbours that exist): what SLIC clusters on. */
export function boxBlur3(src: Float32Array, W: number, H: number): Float32Array {
  const tmp = new Float32Array(src.length), out = new Float32Array(src.length);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) {
      let sum = 0, n = 0;
      for (let k = Math.max(0, x - 1); k <= Math.min(W - 1, x + 1); k++, n++) sum += src[row + k];
      tmp[row + x] = sum / n;
    }
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let sum = 0, n = 0;
      for (let k = Math.max(0, y - 1); k <= Math.min(H - 1, y + 1); k++, n++) sum += tmp[k * W + x];
      out[y * W + x] = sum / n;
    }
  }
  return out;
}
