/**
 * Sufficient statistics of a region for the four PerTouch attribute scores
 * (design.md §3).
 *
 * Every score is a function of a handful of sums, so code that re-evaluates scores many
 * times (a solver trying strengths, a mask being edited) can keep sums per region or per
 * tile and combine them with {@link mergeStats} instead of rescanning pixels.
 */

/**
 * Sums over one region's pixels (values on the 0..255 scale) and neighbour pairs.
 *
 * Pixel sums: n, ΣR, ΣG, ΣB, and with rg = |R − G| and yb = |0.5(R + G) − B|
 * (Hasler & Süsstrunk's opponent channels): Σrg, Σrg², Σyb, Σyb².
 *
 * Pair sums follow design.md §3's 4-shift definition of contrast: for each of the four
 * one-pixel shifts (up, down, left, right), every (pixel, shifted pixel) pair with both
 * pixels in the region contributes its squared RGB difference summed over channels to
 * `sumDiff` and 1 to `pairs`. Up/down and left/right visit each unordered neighbour
 * pair twice, so an unordered adjacent pair contributes twice its difference and 2 to
 * `pairs`. There is no wrap-around at image edges.
 */
export interface RegionStats {
  n: number;
  sumR: number;
  sumG: number;
  sumB: number;
  sumRg: number;
  sumRg2: number;
  sumYb: number;
  sumYb2: number;
  sumDiff: number;
  pairs: number;
}

/** Statistics of an empty region (every sum 0). */
export function emptyStats(): RegionStats {
  return { n: 0, sumR: 0, sumG: 0, sumB: 0, sumRg: 0, sumRg2: 0, sumYb: 0, sumYb2: 0, sumDiff: 0, pairs: 0 };
}

/** Adds one pixel (0..255 scale) to the pixel sums of `stats` (in place). */
export function addPixel(stats: RegionStats, r: number, g: number, b: number): void {
  const rg = Math.abs(r - g);
  const yb = Math.abs(0.5 * (r + g) - b);
  stats.n += 1;
  stats.sumR += r;
  stats.sumG += g;
  stats.sumB += b;
  stats.sumRg += rg;
  stats.sumRg2 += rg * rg;
  stats.sumYb += yb;
  stats.sumYb2 += yb * yb;
}

/** Squared RGB difference of two pixels, summed over the three channels. */
export function squaredRgbDiff(r1: number, g1: number, b1: number, r2: number, g2: number, b2: number): number {
  const dr = r1 - r2;
  const dg = g1 - g2;
  const db = b1 - b2;
  return dr * dr + dg * dg + db * db;
}

/**
 * Adds ONE ordered (pixel, shifted pixel) pair: its squared RGB difference once and
 * 1 to `pairs`. Under the 4-shift definition every unordered neighbour pair is seen by
 * two shifts, so a caller enumerating shifts calls this per ordered pair; a caller
 * enumerating unordered neighbour pairs uses {@link addUnorderedPair} instead.
 */
export function addPair(stats: RegionStats, r1: number, g1: number, b1: number, r2: number, g2: number, b2: number): void {
  stats.sumDiff += squaredRgbDiff(r1, g1, b1, r2, g2, b2);
  stats.pairs += 1;
}

/**
 * Adds one UNORDERED pair of adjacent pixels (both in the region) as the 4-shift
 * definition counts it: the two shifts that see it (left and right, or up and down)
 * each contribute, so twice the squared difference and 2 to `pairs`.
 */
export function addUnorderedPair(
  stats: RegionStats,
  r1: number,
  g1: number,
  b1: number,
  r2: number,
  g2: number,
  b2: number,
): void {
  stats.sumDiff += 2 * squaredRgbDiff(r1, g1, b1, r2, g2, b2);
  stats.pairs += 2;
}

/**
 * Statistics of the union of two disjoint regions (a new object). Pair sums add only the
 * pairs inside each part: pairs that straddle the two parts are not known from the sums,
 * so merging the halves of a region split along a seam undercounts its contrast pairs.
 */
export function mergeStats(a: RegionStats, b: RegionStats): RegionStats {
  return {
    n: a.n + b.n,
    sumR: a.sumR + b.sumR,
    sumG: a.sumG + b.sumG,
    sumB: a.sumB + b.sumB,
    sumRg: a.sumRg + b.sumRg,
    sumRg2: a.sumRg2 + b.sumRg2,
    sumYb: a.sumYb + b.sumYb,
    sumYb2: a.sumYb2 + b.sumYb2,
    sumDiff: a.sumDiff + b.sumDiff,
    pairs: a.pairs + b.pairs,
  };
}
