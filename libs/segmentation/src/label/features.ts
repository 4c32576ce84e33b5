/**
 * What the labeller knows about a region: colour (CIELAB means, chroma, hue), texture,
 * position and shape, from the per-unit sums of the working image.
 */
import { ORIENTATION_BINS, type UnitStats } from '../embedded/unit-stats.js';

export interface RegionFeatures {
  readonly L: number;
  readonly a: number;
  readonly b: number;
  /** C*ab */
  readonly chroma: number;
  /** h_ab in degrees, 0..360 (0 = red/magenta axis, 90 = yellow, 180 = green, 270 = blue). */
  readonly hue: number;
  /** Mean L* gradient per working pixel: 0 for flat, ≥ 4 for foliage or gravel. */
  readonly texture: number;
  /** Standard deviation of L* within the region. */
  readonly spread: number;
  /** Centroid, 0..1 of the image's width and height (y = 0 at the top). */
  readonly cx: number;
  readonly cy: number;
  readonly top: number;
  readonly bottom: number;
  /** Fraction of the image's top row the region holds. */
  readonly topRow: number;
  /** Fraction of the region's pixels on the image border (0 for an enclosed object). */
  readonly borderShare: number;
  readonly areaFraction: number;
  /** Share of edge energy that is horizontal or vertical (0.25 for random texture). */
  readonly straightness: number;
  /** Edge energy per pixel (how busy with edges the region is). */
  readonly edgeDensity: number;
}

/** C*ab = √(a*² + b*²) (CIE 15:2004 §8.2.1). */
export function chromaAb(a: number, b: number): number {
  return Math.hypot(a, b);
}

/** h_ab = atan2(b*, a*) in degrees, 0..360 (CIE 15:2004 §8.2.1). */
export function hueAngle(a: number, b: number): number {
  const h = (Math.atan2(b, a) * 180) / Math.PI;
  return h < 0 ? h + 360 : h;
}

export function regionFeatures(stats: UnitStats, u: number, width: number, height: number): RegionFeatures {
  const n = Math.max(1, stats.n[u]);
  const L = stats.L[u] / n, a = stats.a[u] / n, b = stats.b[u] / n;
  let energy = 0;
  for (let k = 0; k < ORIENTATION_BINS; k++) energy += stats.orientation[u * ORIENTATION_BINS + k];
  const hv = stats.orientation[u * ORIENTATION_BINS] + stats.orientation[u * ORIENTATION_BINS + ORIENTATION_BINS / 2];
  return {
    L, a, b,
    chroma: chromaAb(a, b),
    hue: hueAngle(a, b),
    texture: stats.gradient[u] / n,
    spread: Math.sqrt(Math.max(0, stats.L2[u] / n - L * L)),
    cx: stats.x[u] / n / width,
    cy: stats.y[u] / n / height,
    top: stats.minY[u] / height,
    bottom: (stats.maxY[u] + 1) / height,
    topRow: stats.top[u] / width,
    borderShare: stats.border[u] / n,
    areaFraction: stats.n[u] / (width * height),
    straightness: energy > 0 ? hv / energy : 0,
    edgeDensity: energy / n,
  };
}
