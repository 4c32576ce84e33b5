/**
 * "Stuff" labels from colour, texture, position and connectivity: sky, cloud, water,
 * vegetation, ground, road, building. Each label is a fuzzy score in 0..1 built from
 * ramps on the region's features; the best score wins when it is convincing, otherwise
 * the region is `subject` (an enclosed region that stands out) or `background`.
 */
import type { RegionFeatures } from './features.js';

/** 0 below lo, 1 above hi, linear between. */
export function ramp(x: number, lo: number, hi: number): number {
  return x <= lo ? 0 : x >= hi ? 1 : (x - lo) / (hi - lo);
}

/** 1 inside the hue interval [from, to] (degrees, may wrap), falling to 0 over 15°. */
export function hueIn(hue: number, from: number, to: number): number {
  const width = (to - from + 360) % 360;
  const offset = (hue - from + 360) % 360;
  if (offset <= width) return 1;
  const outside = Math.min(offset - width, 360 - offset);
  return Math.max(0, 1 - outside / 15);
}

export interface StuffScores {
  sky: number;
  water: number;
  vegetation: number;
  ground: number;
  road: number;
  building: number;
}

/** How much a region's colour looks like sky: blue, overcast white, or sunset glow. */
export function skyColour(f: RegionFeatures): number {
  // Night and twilight skies are dark blue: L* from 8 counts.
  const blue = ramp(-f.b, 4, 16) * ramp(f.L, 8, 30) * hueIn(f.hue, 200, 300);
  // Overcast skies are neutral or cool; warm greys are walls, paper, concrete.
  const overcast = ramp(f.L, 62, 82) * (1 - ramp(f.chroma, 10, 22)) * (1 - ramp(f.b, 1, 4));
  const glow = ramp(f.L, 55, 75) * hueIn(f.hue, 20, 110) * ramp(f.chroma, 10, 25);
  return Math.max(blue, overcast, glow);
}

export function stuffScores(f: RegionFeatures): StuffScores {
  const smooth = 1 - ramp(f.texture, 1.8, 4.5);
  const upper = 1 - ramp(f.cy, 0.45, 0.7);
  const lower = ramp(f.cy, 0.45, 0.7);
  const touchesTop = ramp(f.topRow, 0.02, 0.2);
  const touchesBottom = ramp(f.bottom, 0.85, 0.97);
  const green = hueIn(f.hue, 95, 175) * ramp(f.chroma, 6, 14);
  const earthy = Math.max(hueIn(f.hue, 20, 110) * (1 - ramp(f.chroma, 35, 55)), 1 - ramp(f.chroma, 6, 12));
  const grey = 1 - ramp(f.chroma, 5, 10);
  return {
    sky: skyColour(f) * smooth * upper * (0.25 + 0.75 * touchesTop),
    water: hueIn(f.hue, 185, 280) * ramp(f.chroma, 4, 10) * (1 - touchesTop) * lower * (0.5 + 0.5 * smooth),
    vegetation: green * (0.6 + 0.4 * ramp(f.texture, 1.2, 3.5)),
    // Sand and dry grass sit next to green in hue: a little green does not rule ground out.
    ground: earthy * lower * touchesBottom * (0.6 + 0.4 * ramp(f.texture, 1, 3)) * (1 - 0.7 * green),
    road: grey * smooth * lower * touchesBottom * ramp(f.L, 25, 40) * 0.9,
    building: ramp(f.straightness, 0.42, 0.6) * ramp(f.edgeDensity, 1.5, 4) * (1 - green) * (1 - ramp(f.cy, 0.75, 0.95)),
  };
}

/** Below this, no stuff label is convincing. */
export const STUFF_MIN_SCORE = 0.35;

export function bestStuff(f: RegionFeatures): { label: keyof StuffScores; score: number } | undefined {
  const scores = stuffScores(f);
  let label: keyof StuffScores | undefined, score = 0;
  for (const [k, v] of Object.entries(scores) as [keyof StuffScores, number][]) {
    if (v > score) { label = k; score = v; }
  }
  return label && score >= STUFF_MIN_SCORE ? { label, score } : undefined;
}
