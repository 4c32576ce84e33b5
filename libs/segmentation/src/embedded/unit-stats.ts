/**
 * Per-unit statistics over a working image, where a unit is a superpixel or a region:
 * the sums that merging and labelling need, gathered in one pass.
 */
import type { WorkingImage } from './working-image.js';

/** Orientation bins for the straight-edge cue (0°, 22.5°, … 157.5°). */
export const ORIENTATION_BINS = 8;
/** L* gradient (per pixel) above which a pixel counts as an edge for orientation. */
const EDGE_GRADIENT = 4;

export interface UnitStats {
  readonly count: number;
  readonly n: Float64Array;
  readonly L: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** Sum of L*² (for the tonal spread). */
  readonly L2: Float64Array;
  readonly gradient: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Pixels in the top row. */
  readonly top: Float64Array;
  /** Pixels on any image border. */
  readonly border: Float64Array;
  readonly minY: Float64Array;
  readonly maxY: Float64Array;
  /** ORIENTATION_BINS sums of edge gradient per unit. */
  readonly orientation: Float64Array;
}

export function gatherUnitStats(work: WorkingImage, ids: Int32Array | Uint8Array, count: number): UnitStats {
  const { width: W, height: H } = work;
  const s = {
    count,
    n: new Float64Array(count), L: new Float64Array(count), a: new Float64Array(count), b: new Float64Array(count),
    L2: new Float64Array(count), gradient: new Float64Array(count), x: new Float64Array(count), y: new Float64Array(count),
    top: new Float64Array(count), border: new Float64Array(count),
    minY: new Float64Array(count).fill(Infinity), maxY: new Float64Array(count).fill(-Infinity),
    orientation: new Float64Array(count * ORIENTATION_BINS),
  };
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0; x < W; x++, i++) {
      const u = ids[i];
      const l = work.L[i];
      s.n[u]++; s.L[u] += l; s.a[u] += work.a[i]; s.b[u] += work.b[i]; s.L2[u] += l * l;
      const g = work.gradient[i];
      s.gradient[u] += g; s.x[u] += x; s.y[u] += y;
      if (y === 0) s.top[u]++;
      if (y === 0 || x === 0 || y === H - 1 || x === W - 1) s.border[u]++;
      if (y < s.minY[u]) s.minY[u] = y;
      if (y > s.maxY[u]) s.maxY[u] = y;
      if (g > EDGE_GRADIENT) {
        const bin = Math.floor((work.orientation[i] / Math.PI) * ORIENTATION_BINS + 0.5) % ORIENTATION_BINS;
        s.orientation[u * ORIENTATION_BINS + bin] += g;
      }
    }
  }
  return s;
}

export interface Adjacency {
  /** Shared boundary length (4-neighbour pixel pairs), keyed by lo·count + hi. */
  readonly length: Map<number, number>;
  /** Sum over those pairs of the Lab distance across the boundary. */
  readonly contrast: Map<number, number>;
}

export function gatherAdjacency(work: WorkingImage, ids: Int32Array | Uint8Array, count: number): Adjacency {
  const { width: W, height: H, L, a, b } = work;
  const length = new Map<number, number>();
  const contrast = new Map<number, number>();
  const add = (p: number, q: number) => {
    const u = ids[p], v = ids[q];
    if (u === v) return;
    const key = u < v ? u * count + v : v * count + u;
    const dl = L[p] - L[q], da = a[p] - a[q], db = b[p] - b[q];
    length.set(key, (length.get(key) ?? 0) + 1);
    contrast.set(key, (contrast.get(key) ?? 0) + Math.sqrt(dl * dl + da * da + db * db));
  };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (x + 1 < W) add(i, i + 1);
      if (y + 1 < H) add(i, i + W);
    }
  }
  return { length, contrast };
}
