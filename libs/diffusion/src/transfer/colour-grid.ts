/**
 * The full-resolution transfer's model: a bilateral grid of affine colour transforms
 * (Chen, Paris & Durand 2007, "Real-time edge-aware image processing with the bilateral
 * grid"; Gharbi et al. 2017, HDRNet, §3.3; DiffRetouch's "affine bilateral grid").
 *
 * The grid has W × H spatial nodes and B luminance nodes; node n holds a 3 × 4 matrix
 * A_n with out = A_n · [r, g, b, 1]. A pixel's transform is the trilinear ("tent")
 * interpolation of its 8 surrounding nodes' matrices, found from its position and its
 * own luminance — so a transform can change across an edge between a bright sky and dark
 * ground even inside one spatial cell (edge-aware), and it is smooth everywhere else.
 *
 * Fitting (fitColourGrid) is local weighted least squares, the per-node form of Chen,
 * Adams, Wadhwa & Hasinoff 2016 ("Bilateral guided upsampling", §3) without its global
 * solve: every source/target pixel pair adds its normal equations x̃x̃ᵀ and x̃yᵀ
 * (x̃ = [r, g, b, 1]) to its 8 nodes with its tent weights; the statistics are blurred
 * a little across neighbouring nodes (so sparse nodes borrow from their neighbours);
 * each node then solves (S_n + λ_n I) A_nᵀ = B_n + λ_n A_globalᵀ, a ridge towards the
 * image-wide affine fit that settles directions a node's colours do not constrain
 * (flat regions, empty luminance bins).
 *
 * Colours are 0..1 floats; pure math on typed arrays.
 */

export interface ColourGridOptions {
  /** Spatial node spacing in pixels of the fitted image (default 32: a 16 × 16 grid at 512²). */
  readonly cellSize?: number;
  /** Luminance nodes from 0 to 1 (default 8). */
  readonly lumaBins?: number;
  /** Weight of the [1, 2, 1]/4 neighbour blur of the node statistics, 0..1 (default 0.5). */
  readonly smoothing?: number;
  /** Ridge towards the global affine, as a fraction of the mean node weight (default 0.02). */
  readonly ridge?: number;
}

export const DEFAULT_GRID_OPTIONS: Required<ColourGridOptions> = Object.freeze({ cellSize: 32, lumaBins: 8, smoothing: 0.5, ridge: 0.02 });

export interface ColourGrid {
  readonly width: number;
  readonly height: number;
  readonly bins: number;
  /** Per node (index ((y · width) + x) · bins + z), 12 coefficients: rows r, g, b of [a0, a1, a2, offset]. */
  readonly coefficients: Float64Array;
}

/** Interleaved RGB, 0..1 floats. */
export interface UnitRgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** The grid's luminance guide: BT.601 luma of 0..1 RGB (any fixed weighting works; this one is cheap and smooth). */
export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** Grid coordinate of pixel centre `i` of `size` pixels on `nodes` nodes: node k sits at pixel (k + 0.5) · size / nodes − 0.5. */
export function gridCoordinate(i: number, size: number, nodes: number): number {
  return Math.min(nodes - 1, Math.max(0, ((i + 0.5) * nodes) / size - 0.5));
}

/** Number of spatial nodes along a side of `size` pixels. */
export function nodesAlong(size: number, cellSize: number): number {
  return Math.max(2, Math.round(size / cellSize));
}

const STATS = 22; // S: 10 (upper triangle of the 4×4 x̃x̃ᵀ), B: 12 (x̃yᵀ, 4×3)
/** Index of S[i][j] (i ≤ j) among the 10 upper-triangle entries. */
const UPPER = [
  [0, 1, 2, 3],
  [1, 4, 5, 6],
  [2, 5, 7, 8],
  [3, 6, 8, 9],
];

/**
 * Fits the grid that maps `source` to `target` (same size): the transfer's model of what
 * the diffusion did to the image's colours and tones.
 */
export function fitColourGrid(source: UnitRgbImage, target: UnitRgbImage, options: ColourGridOptions = {}): ColourGrid {
  if (source.width !== target.width || source.height !== target.height) throw new RangeError(`source is ${source.width}×${source.height}, target ${target.width}×${target.height}`);
  const o = { ...DEFAULT_GRID_OPTIONS, ...options };
  const width = nodesAlong(source.width, o.cellSize), height = nodesAlong(source.height, o.cellSize), bins = Math.max(2, Math.round(o.lumaBins));
  const nodes = width * height * bins;
  const stats = accumulate(source, target, width, height, bins);
  const global = solveGlobal(stats, nodes);
  const smoothed = o.smoothing > 0 ? blend(stats, blurNodes(stats, width, height, bins), o.smoothing) : stats;
  let totalWeight = 0;
  for (let n = 0; n < nodes; n++) totalWeight += smoothed[n * STATS + 9];
  const lambda = Math.max(1e-6, (o.ridge * totalWeight) / nodes);
  const coefficients = new Float64Array(nodes * 12);
  for (let n = 0; n < nodes; n++) solveNode(smoothed, n * STATS, lambda, global, coefficients, n * 12);
  return { width, height, bins, coefficients };
}

/** Splats every pixel pair's normal equations onto its 8 nodes with tent weights. */
function accumulate(source: UnitRgbImage, target: UnitRgbImage, gw: number, gh: number, bins: number): Float64Array {
  const { width: w, height: h } = source;
  const stats = new Float64Array(gw * gh * bins * STATS);
  const src = source.data, dst = target.data;
  const x0s = new Int32Array(w), wxs = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const gx = gridCoordinate(x, w, gw);
    x0s[x] = Math.min(gw - 2, Math.floor(gx));
    wxs[x] = gx - x0s[x];
  }
  // Per pixel: the 22 products of its normal equations once, then added to its 8 nodes with their tent weights.
  const products = new Float64Array(STATS);
  for (let y = 0; y < h; y++) {
    const gy = gridCoordinate(y, h, gh);
    const y0 = Math.min(gh - 2, Math.floor(gy)), wy = gy - y0;
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const r = src[i], g = src[i + 1], b = src[i + 2];
      const tr = dst[i], tg = dst[i + 1], tb = dst[i + 2];
      // S (upper triangle of x̃x̃ᵀ, x̃ = [r, g, b, 1]) in UPPER order, then B = x̃yᵀ row by row.
      products[0] = r * r; products[1] = r * g; products[2] = r * b; products[3] = r;
      products[4] = g * g; products[5] = g * b; products[6] = g;
      products[7] = b * b; products[8] = b; products[9] = 1;
      products[10] = r * tr; products[11] = r * tg; products[12] = r * tb;
      products[13] = g * tr; products[14] = g * tg; products[15] = g * tb;
      products[16] = b * tr; products[17] = b * tg; products[18] = b * tb;
      products[19] = tr; products[20] = tg; products[21] = tb;
      const gz = Math.min(bins - 1, Math.max(0, luma(r, g, b) * (bins - 1)));
      const z0 = Math.min(bins - 2, Math.floor(gz)), wz = gz - z0;
      const x0 = x0s[x], wx = wxs[x];
      for (let corner = 0; corner < 4; corner++) {
        const dy = corner >> 1, dx = corner & 1;
        const wxy = (dy ? wy : 1 - wy) * (dx ? wx : 1 - wx);
        const s0 = (((y0 + dy) * gw + x0 + dx) * bins + z0) * STATS;
        const w0 = wxy * (1 - wz), w1 = wxy * wz;
        for (let k = 0; k < STATS; k++) {
          stats[s0 + k] += w0 * products[k];
          stats[s0 + STATS + k] += w1 * products[k];
        }
      }
    }
  }
  return stats;
}

/** The [1, 2, 1]/4 blur of the node statistics along x, y and luminance (edges clamped). */
function blurNodes(stats: Float64Array, gw: number, gh: number, bins: number): Float64Array {
  let current = stats;
  const strides = [STATS * bins * gw, STATS * bins, STATS]; // y, x, z
  const sizes = [gh, gw, bins];
  for (let axis = 0; axis < 3; axis++) {
    const next = new Float64Array(current.length);
    const stride = strides[axis], size = sizes[axis];
    const nodes = current.length / STATS;
    for (let n = 0; n < nodes; n++) {
      const offset = n * STATS;
      const coord = Math.floor(offset / stride) % size;
      const prev = coord > 0 ? offset - stride : offset;
      const after = coord < size - 1 ? offset + stride : offset;
      for (let k = 0; k < STATS; k++) next[offset + k] = 0.25 * current[prev + k] + 0.5 * current[offset + k] + 0.25 * current[after + k];
    }
    current = next;
  }
  return current;
}

function blend(a: Float64Array, b: Float64Array, t: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i] + t * b[i];
  return out;
}

/** The image-wide affine fit (all nodes' statistics summed), identity-ridged. */
function solveGlobal(stats: Float64Array, nodes: number): Float64Array {
  const sum = new Float64Array(STATS);
  for (let n = 0; n < nodes; n++) for (let k = 0; k < STATS; k++) sum[k] += stats[n * STATS + k];
  const identity = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
  const out = new Float64Array(12);
  solveNode(sum, 0, Math.max(1e-6, sum[9] * 1e-6), identity, out, 0);
  return out;
}

/**
 * Solves (S + λI) Xᵀ = B + λ Priorᵀ for one node (S 4×4 from the upper triangle at
 * stats[s..s+10), B 4×3 at stats[s+10..s+22)) by Gaussian elimination with partial
 * pivoting, and writes X (3×4, row-major) to out[o..o+12).
 */
function solveNode(stats: Float64Array, s: number, lambda: number, prior: Float64Array, out: Float64Array, o: number): void {
  const m = new Float64Array(4 * 7); // augmented [S + λI | B + λ Priorᵀ]
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) m[a * 7 + b] = stats[s + UPPER[Math.min(a, b)][Math.max(a, b)]] + (a === b ? lambda : 0);
    for (let c = 0; c < 3; c++) m[a * 7 + 4 + c] = stats[s + 10 + a * 3 + c] + lambda * prior[c * 4 + a];
  }
  for (let col = 0; col < 4; col++) {
    let pivot = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(m[r * 7 + col]) > Math.abs(m[pivot * 7 + col])) pivot = r;
    if (pivot !== col) for (let k = 0; k < 7; k++) [m[col * 7 + k], m[pivot * 7 + k]] = [m[pivot * 7 + k], m[col * 7 + k]];
    const d = m[col * 7 + col];
    for (let r = 0; r < 4; r++) {
      if (r === col) continue;
      const f = m[r * 7 + col] / d;
      if (f !== 0) for (let k = col; k < 7; k++) m[r * 7 + k] -= f * m[col * 7 + k];
    }
  }
  for (let a = 0; a < 4; a++) for (let c = 0; c < 3; c++) out[o + c * 4 + a] = m[a * 7 + 4 + c] / m[a * 7 + a];
}
