import type { RgbImage } from '@pertouch/imaging';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSample, segment } from '../testing/samples.js';
import { syntheticScene } from '../testing/synthetic-scenes.js';
import { cosineDistance } from '../vector-math.js';
import { DESCRIPTOR_BLOCKS, EMBEDDED_DIMENSION, EMBEDDED_FEATURE_KIND, describeImage, type LabelledRegions } from './describe-scene.js';
import { LABEL_FAMILIES, labelFamily } from './label-families.js';
import type { SceneFeatures } from '../ports.js';

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** Each block's share of the vector's squared length. */
function blockShares(v: Float32Array): number[] {
  let offset = 0;
  return DESCRIPTOR_BLOCKS.map((b) => {
    let sq = 0;
    for (let i = offset; i < offset + b.dimension; i++) sq += v[i] * v[i];
    offset += b.dimension;
    return sq;
  });
}

describe('labelFamily', () => {
  it('groups the segmenter\'s labels and COCO names into the fixed families', () => {
    expect(labelFamily('Sky')).toBe('sky');
    expect(labelFamily('bird')).toBe('animal');
    expect(labelFamily('road')).toBe('ground');
    expect(labelFamily('skin')).toBe('face-skin');
    expect(labelFamily('pizza')).toBe('food');
    expect(labelFamily('umbrella')).toBe('other');
    expect(LABEL_FAMILIES).toHaveLength(14);
  });
});

describe('describeScene (embedded-v1) on synthetic scenes', () => {
  it('has a fixed dimension and unit length, whatever the image size', () => {
    expect(EMBEDDED_DIMENSION).toBe(63);
    for (const [w, h] of [[240, 160], [31, 700], [2, 2], [1, 1]]) {
      const { image, segmentation } = syntheticScene('mountain', 3, w, h);
      const f = describeImage(image, segmentation);
      expect(f.kind).toBe(EMBEDDED_FEATURE_KIND);
      expect(f.vector).toHaveLength(EMBEDDED_DIMENSION);
      expect(norm(f.vector)).toBeCloseTo(1, 5);
      expect(f.labels).toEqual(['ground', 'sky', 'vegetation']);
    }
  });

  it('is deterministic, and the label block follows the segmentation alone', () => {
    const { image, segmentation } = syntheticScene('sunset', 1);
    const a = describeImage(image, segmentation);
    expect(Array.from(describeImage(image, segmentation).vector)).toEqual(Array.from(a.vector));
    const renamed: LabelledRegions = { ...segmentation, regions: segmentation.regions.map((r) => ({ ...r, label: r.label === 'sky' ? 'water' : r.label })) };
    const b = describeImage(image, renamed);
    const labelStart = DESCRIPTOR_BLOCKS.slice(0, 3).reduce((s, x) => s + x.dimension, 0);
    const changed = Array.from(a.vector, (x, i) => Math.abs(x - b.vector[i]) > 1e-6);
    expect(changed.slice(0, labelStart).some(Boolean)).toBe(false);
    expect(changed.slice(labelStart, labelStart + LABEL_FAMILIES.length).some(Boolean)).toBe(true);
  });

  it('puts scenes of one type closer to each other than to scenes of another type', () => {
    const of = (type: 'sunset' | 'mountain' | 'interior', seed: number) => {
      const s = syntheticScene(type, seed);
      return describeImage(s.image, s.segmentation).vector;
    };
    for (const type of ['sunset', 'mountain', 'interior'] as const) {
      const same = cosineDistance(of(type, 1), of(type, 2));
      for (const other of ['sunset', 'mountain', 'interior'] as const) if (other !== type) expect(same).toBeLessThan(cosineDistance(of(type, 1), of(other, 1)));
    }
  });
});

describe('describeScene (embedded-v1) on real photos of samples/', () => {
  // Three interiors / still lifes and three mountain landscapes, segmented by the embedded engine.
  const INTERIORS = ['Wine_by_Jakkub_Mede.jpg', 'skimage_coffee.png', 'Picture_0B_by_freespace.jpg'];
  const MOUNTAINS = ['aitzgorri_by_Aitzol_Berasategi.jpg', 'picosdeeuropa_by_Aitzol_Berasategi.jpg', 'free_by_Peter_Nerlich.jpg'];
  const OTHERS = ['Bridge_by_Sander_Klootwijk.jpg', 'sunset_by_Aitzol_Berasategi.jpg', 'Kleiber_by_Lukas_Baubkus.jpg', 'skimage_rocket.jpg'];
  const features = new Map<string, SceneFeatures>();
  async function describePhoto(image: RgbImage): Promise<SceneFeatures> {
    return describeImage(image, await segment(image));
  }
  beforeAll(async () => {
    for (const name of [...INTERIORS, ...MOUNTAINS, ...OTHERS]) features.set(name, await describePhoto(await loadSample(name)));
  });
  const d = (a: string, b: string) => cosineDistance(features.get(a)!.vector, features.get(b)!.vector);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

  it('gives unit vectors of the fixed dimension, with labels from the segmentation', () => {
    for (const f of features.values()) {
      expect(f.vector).toHaveLength(EMBEDDED_DIMENSION);
      expect(norm(f.vector)).toBeCloseTo(1, 5);
      expect(f.labels.length).toBeGreaterThan(0);
    }
    expect(features.get('aitzgorri_by_Aitzol_Berasategi.jpg')!.labels).toContain('sky');
  });

  it('finds a re-framed, smaller copy of a photo nearer than any other photo', async () => {
    for (const name of ['sunset_by_Aitzol_Berasategi.jpg', 'Wine_by_Jakkub_Mede.jpg', 'aitzgorri_by_Aitzol_Berasategi.jpg']) {
      const copy = await describePhoto(await loadSample(name, { keep: 0.85, longSide: 384 }));
      const toSelf = cosineDistance(copy.vector, features.get(name)!.vector);
      for (const [other, f] of features) if (other !== name) expect(toSelf, `${name} vs ${other}`).toBeLessThan(cosineDistance(copy.vector, f.vector));
    }
  });

  it('puts interiors closer to interiors, and mountains to mountains, than to each other', () => {
    const within = (group: string[]) => group.flatMap((a, i) => group.slice(i + 1).map((b) => d(a, b)));
    const between = INTERIORS.flatMap((a) => MOUNTAINS.map((b) => d(a, b)));
    expect(mean(within(INTERIORS))).toBeLessThan(mean(between));
    expect(mean(within(MOUNTAINS))).toBeLessThan(mean(between));
    // Each interior's nearest photo is an interior.
    for (const a of INTERIORS) {
      const nearest = [...features.keys()].filter((b) => b !== a).sort((x, y) => d(a, x) - d(a, y))[0];
      expect(INTERIORS, `${a} → ${nearest}`).toContain(nearest);
    }
  });

  it('lets no block dominate: over the photos, each block holds between 5 % and 45 % of the length', () => {
    const shares = [...features.values()].map((f) => blockShares(f.vector));
    DESCRIPTOR_BLOCKS.forEach((block, i) => {
      const average = mean(shares.map((s) => s[i]));
      expect(average, block.name).toBeGreaterThan(0.05);
      expect(average, block.name).toBeLessThan(0.45);
    });
  });
});
