/**
 * Region merging on the superpixel adjacency graph: greedy agglomeration, cheapest
 * neighbouring pair first, until every remaining pair is clearly different (cost above
 * a threshold) and at most `maxRegions` remain; then regions too small to name join
 * their cheapest neighbour. Superpixels claimed by a detected thing (a person, a dog…)
 * form one region per detection and never merge with anything else.
 */
import type { Adjacency, UnitStats } from './unit-stats.js';

export interface MergeOptions {
  /** Stop merging when the cheapest pair costs more than this (ΔE-like units). */
  readonly threshold?: number;
  /** Keep merging past the threshold while more regions than this remain. */
  readonly maxRegions?: number;
  /** Regions under this fraction of the image join a neighbour. */
  readonly minAreaFraction?: number;
}

export const DEFAULT_MERGE: Required<MergeOptions> = { threshold: 11, maxRegions: 40, minAreaFraction: 0.004 };

/** Growth of the merge cost per doubling of the smaller region's size (in superpixels). */
const SIZE_PENALTY = 0.12;

interface Node {
  n: number; L: number; a: number; b: number; g: number;
  group: number;
  edges: Map<number, { length: number; contrast: number }>;
}

/**
 * Returns, for every superpixel, its region index (0..regions−1) and the region count.
 * `groups[s]` is the detection a superpixel belongs to, or −1.
 */
export function mergeSuperpixels(stats: UnitStats, adjacency: Adjacency, groups: Int32Array, options: MergeOptions = {}): { region: Int32Array; count: number } {
  const o = { ...DEFAULT_MERGE, ...options };
  const k = stats.count;
  const parent = new Int32Array(k);
  const nodes: (Node | undefined)[] = [];
  let total = 0;
  for (let s = 0; s < k; s++) {
    parent[s] = s;
    const n = Math.max(1, stats.n[s]);
    total += stats.n[s];
    nodes.push({ n: stats.n[s], L: stats.L[s] / n, a: stats.a[s] / n, b: stats.b[s] / n, g: stats.gradient[s] / n, group: groups[s], edges: new Map() });
  }
  for (const [key, length] of adjacency.length) {
    const u = Math.floor(key / k), v = key % k;
    const e = { length, contrast: adjacency.contrast.get(key) ?? 0 };
    nodes[u]!.edges.set(v, e);
    nodes[v]!.edges.set(u, e);
  }
  let alive = k;
  const unit = total / Math.max(1, k);
  const merge = (u: number, v: number) => {
    const A = nodes[u]!, B = nodes[v]!;
    const n = A.n + B.n;
    A.L = (A.L * A.n + B.L * B.n) / n;
    A.a = (A.a * A.n + B.a * B.n) / n;
    A.b = (A.b * A.n + B.b * B.n) / n;
    A.g = (A.g * A.n + B.g * B.n) / n;
    A.n = n;
    A.edges.delete(v);
    for (const [w, e] of B.edges) {
      if (w === u) continue;
      const W = nodes[w]!;
      W.edges.delete(v);
      const existing = A.edges.get(w);
      const merged = existing ? { length: existing.length + e.length, contrast: existing.contrast + e.contrast } : e;
      A.edges.set(w, merged);
      W.edges.set(u, merged);
    }
    nodes[v] = undefined;
    parent[v] = u;
    alive--;
  };
  const cost = (u: number, v: number, e: { length: number; contrast: number }) => {
    const A = nodes[u]!, B = nodes[v]!;
    const dl = A.L - B.L, da = A.a - B.a, db = A.b - B.b;
    const colour = Math.sqrt(dl * dl + da * da + db * db);
    // Contrast across the boundary beyond what either side's own texture explains.
    const edge = Math.max(0, e.contrast / e.length - Math.min(A.g, B.g));
    // Two large regions must be closer than two superpixels to merge: this stops the
    // chaining by which a gradual path of small steps joins forest to rock.
    const size = 1 + SIZE_PENALTY * Math.log2(1 + Math.min(A.n, B.n) / unit);
    return (colour + edge + 0.5 * Math.abs(A.g - B.g)) * size;
  };
  const canMerge = (u: number, v: number) => nodes[u]!.group === nodes[v]!.group;

  // Detections first: every superpixel of one detection becomes one region, even when
  // the detection is split in two (an arm across the body).
  const groupRoot = new Map<number, number>();
  for (let s = 0; s < k; s++) {
    const g = groups[s];
    if (g < 0) continue;
    const root = groupRoot.get(g);
    if (root === undefined) groupRoot.set(g, s);
    else merge(root, s);
  }

  const minArea = o.minAreaFraction * total;
  while (alive > 1) {
    let best = Infinity, bu = -1, bv = -1;
    for (let u = 0; u < k; u++) {
      const A = nodes[u];
      if (!A) continue;
      for (const [v, e] of A.edges) {
        if (v < u || !canMerge(u, v)) continue;
        const c = cost(u, v, e);
        if (c < best) { best = c; bu = u; bv = v; }
      }
    }
    if (bu < 0) break;
    if (best > o.threshold && alive <= o.maxRegions) break;
    merge(bu, bv);
  }
  // Too small to name: join the cheapest neighbour (things only join their own kind,
  // so a small detected face survives).
  let changed = true;
  while (changed) {
    changed = false;
    for (let u = 0; u < k; u++) {
      const A = nodes[u];
      if (!A || A.n >= minArea || A.group >= 0) continue;
      let best = Infinity, bv = -1;
      for (const [v, e] of A.edges) {
        if (nodes[v]!.group >= 0) continue;
        const c = cost(u, v, e);
        if (c < best) { best = c; bv = v; }
      }
      if (bv < 0) continue;
      merge(bv, u);
      changed = true;
    }
  }
  const find = (s: number): number => {
    let r = s;
    while (parent[r] !== r) r = parent[r];
    return r;
  };
  const region = new Int32Array(k);
  const index = new Map<number, number>();
  for (let s = 0; s < k; s++) {
    const r = find(s);
    let id = index.get(r);
    if (id === undefined) { id = index.size; index.set(r, id); }
    region[s] = id;
  }
  return { region, count: index.size };
}
