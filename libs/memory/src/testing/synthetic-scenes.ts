/**
 * Synthetic photographs of three scene types with their exact segmentation, for the
 * acceptance test of the memory (test-only; excluded from the build). Every image of a
 * type varies at random (seeded): horizon, hues, light, object sizes, texture.
 *
 * - sunset:   a warm orange-to-pink sky with a sun disc over dark hills (sky, ground)
 * - mountain: a bright blue sky over grey rock and a green meadow (sky, ground, vegetation)
 * - interior: a dim warm wall, a table top and an object on it (background, ground, subject)
 */
import type { RgbImage } from '@pertouch/imaging';
import type { LabelledRegions } from '../descriptor/describe-scene.js';

export const SCENE_TYPES = ['sunset', 'mountain', 'interior'] as const;
export type SceneType = (typeof SCENE_TYPES)[number];

export interface SyntheticScene {
  readonly type: SceneType;
  readonly image: RgbImage;
  readonly segmentation: LabelledRegions;
}

/** mulberry32: a small seeded generator, so every run draws the same scenes. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rgb = readonly [number, number, number];
const mix = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const jitter = (c: Rgb, random: () => number, amount: number): Rgb => [c[0] + (random() - 0.5) * amount, c[1] + (random() - 0.5) * amount, c[2] + (random() - 0.5) * amount];

interface Painter {
  /** Region id and colour of pixel (x, y) in [0, 1]². */
  (x: number, y: number): { id: number; colour: Rgb; texture: number };
}

function paint(width: number, height: number, random: () => number, painter: Painter): { image: RgbImage; labels: Uint8Array } {
  const data = new Uint8Array(width * height * 3);
  const labels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const { id, colour, texture } = painter(x / width, y / height);
      labels[p] = id;
      const grain = (random() - 0.5) * texture;
      for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.max(0, Math.min(255, Math.round(colour[c] + grain)));
    }
  }
  return { image: { width, height, data }, labels };
}

/** A photographer's exposure: every colour scaled by one factor. */
const exposed = (c: Rgb, exposure: number): Rgb => [c[0] * exposure, c[1] * exposure, c[2] * exposure];
const between = (random: () => number, lo: number, hi: number) => lo + random() * (hi - lo);

function sunset(random: () => number, width: number, height: number): SyntheticScene {
  const exposure = between(random, 0.65, 1.1);
  const horizon = between(random, 0.45, 0.8);
  // From deep orange to pink-purple at the top; yellow to salmon near the horizon.
  const top = exposed(mix([255, 110, 40], [190, 80, 140], random()), exposure);
  const low = exposed(mix([255, 210, 110], [250, 150, 120], random()), exposure);
  const hills = jitter([45, 28, 30], random, 30);
  const sun = random() < 0.7 ? { x: between(random, 0.2, 0.8), y: horizon - between(random, 0.05, 0.2), r: between(random, 0.03, 0.08) } : undefined;
  const waves = [random() * 8, between(random, 0.01, 0.1)];
  const { image, labels } = paint(width, height, random, (x, y) => {
    const ground = horizon + Math.sin(x * waves[0] + 1) * waves[1];
    if (y >= ground) return { id: 1, colour: mix(hills, [15, 10, 12], (y - ground) / (1 - ground)), texture: 14 };
    const inSun = sun !== undefined && (x - sun.x) ** 2 + ((y - sun.y) * (height / width)) ** 2 < sun.r ** 2;
    return { id: 0, colour: inSun ? [255, 245, 210] : mix(top, low, y / ground), texture: 5 };
  });
  return { type: 'sunset', image, segmentation: { ...image, labels, regions: [{ id: 0, label: 'sky' }, { id: 1, label: 'ground' }] } };
}

function mountain(random: () => number, width: number, height: number): SyntheticScene {
  const exposure = between(random, 0.75, 1.15);
  const peak = { x: between(random, 0.2, 0.8), y: between(random, 0.1, 0.35) };
  const base = between(random, 0.5, 0.7);
  const meadowTop = between(random, base + 0.05, 0.85);
  // Deep blue to hazy pale blue.
  const haze = random();
  const skyTop = exposed(mix([50, 110, 220], [150, 185, 230], haze), exposure);
  const skyLow = exposed(mix([160, 200, 245], [210, 225, 240], haze), exposure);
  const rock = exposed(mix([120, 120, 130], [140, 120, 100], random()), exposure);
  const snow = random() < 0.6 ? between(random, 0.03, 0.12) : 0;
  const meadow = exposed(mix([60, 150, 40], [110, 140, 60], random()), exposure);
  const { image, labels } = paint(width, height, random, (x, y) => {
    if (y >= meadowTop) return { id: 2, colour: mix(meadow, [40, 90, 30], (y - meadowTop) / (1 - meadowTop)), texture: 30 };
    const slope = peak.y + Math.abs(x - peak.x) * ((base - peak.y) / 0.5);
    if (y >= slope) return { id: 1, colour: y < slope + snow ? exposed([235, 238, 245], exposure) : rock, texture: 28 };
    return { id: 0, colour: mix(skyTop, skyLow, y / base), texture: 3 };
  });
  return { type: 'mountain', image, segmentation: { ...image, labels, regions: [{ id: 0, label: 'sky' }, { id: 1, label: 'ground' }, { id: 2, label: 'vegetation' }] } };
}

function interior(random: () => number, width: number, height: number): SyntheticScene {
  const exposure = between(random, 0.5, 1.05);
  const tableTop = between(random, 0.55, 0.8);
  // Warm beige, warm grey or olive walls; a wooden table; an object of any colour.
  const wall = exposed(mix(mix([150, 120, 90], [130, 125, 115], random()), [120, 125, 90], random() * 0.5), exposure);
  const table = exposed(mix([100, 65, 40], [70, 55, 45], random()), exposure);
  const object = { x: between(random, 0.25, 0.75), w: between(random, 0.08, 0.25), h: between(random, 0.15, 0.45) };
  const objectColour = exposed(mix(mix([200, 60, 50], [60, 90, 170], random()), [70, 150, 80], random() * 0.6), exposure);
  const { image, labels } = paint(width, height, random, (x, y) => {
    const inObject = Math.abs(x - object.x) < object.w / 2 && y < tableTop && y > tableTop - object.h;
    if (inObject) return { id: 2, colour: mix(objectColour, [255, 235, 210], Math.max(0, 0.3 - Math.abs(x - object.x) * 3)), texture: 8 };
    if (y >= tableTop) return { id: 1, colour: mix(table, [40, 30, 22], (y - tableTop) / (1 - tableTop)), texture: 14 };
    return { id: 0, colour: mix(wall, exposed([70, 55, 45], exposure), Math.abs(x - 0.5)), texture: 10 };
  });
  return { type: 'interior', image, segmentation: { ...image, labels, regions: [{ id: 0, label: 'background' }, { id: 1, label: 'ground' }, { id: 2, label: 'subject' }] } };
}

const PAINTERS: Record<SceneType, (random: () => number, width: number, height: number) => SyntheticScene> = { sunset, mountain, interior };

/** One synthetic scene of `type`, the same for the same seed. */
export function syntheticScene(type: SceneType, seed: number, width = 240, height = 160): SyntheticScene {
  return PAINTERS[type](seededRandom(seed), width, height);
}
