import { describe, expect, it } from 'vitest';
import type { SceneNeighbour, UserTendency } from '../ports.js';
import { DEFAULT_ESTIMATE_OPTIONS, estimatePreferences, neighbourWeight, shrunkTendency } from './estimate-preferences.js';
import { tendencyOfScenes } from './tendency.js';

const neighbour = (jobId: string, distance: number, labels: SceneNeighbour['labels'], global?: SceneNeighbour['global']): SceneNeighbour => ({
  jobId,
  distance,
  labels,
  ...(global ? { global } : {}),
});

// Hand-computed with d_max = 0.8, p = 2, λ = 0.5, λ₀ = 1 (the defaults).
describe('neighbourWeight: w = max(0, 1 − d/d_max)^p', () => {
  it('is 1 at distance 0, falls quadratically and is 0 from d_max on', () => {
    expect(DEFAULT_ESTIMATE_OPTIONS).toMatchObject({ maxDistance: 0.8, sharpness: 2, priorStrength: 0.5, tendencyPriorStrength: 1 });
    expect(neighbourWeight(0)).toBe(1);
    expect(neighbourWeight(0.4)).toBeCloseTo(0.25, 12);
    expect(neighbourWeight(0.2)).toBeCloseTo(0.5625, 12);
    expect(neighbourWeight(0.8)).toBe(0);
    expect(neighbourWeight(1.7)).toBe(0);
    expect(neighbourWeight(0.4, 1, 1)).toBeCloseTo(0.6, 12);
    expect(neighbourWeight(Number.NaN)).toBe(0);
  });
});

describe('estimatePreferences', () => {
  it('shrinks one neighbour toward 0 by its weight: 0.25·0.8 / (0.25 + 0.5)', () => {
    const e = estimatePreferences([neighbour('a', 0.4, { sky: { brightness: 0.8 } })], ['sky']);
    expect(e.labels.sky?.brightness).toBeCloseTo(0.2 / 0.75, 12);
    expect(e.evidence).toEqual({ neighbours: 1, weight: expect.closeTo(0.25 / 0.75, 12) });
    expect(e.labelEvidence?.sky).toBeCloseTo(0.25 / 0.75, 12);
  });

  it('weights neighbours by similarity: (1·0.6 + 0.25·(−0.2)) / (1.25 + 0.5)', () => {
    const e = estimatePreferences(
      [neighbour('near', 0, { sky: { temperature: 0.6 } }), neighbour('mid', 0.4, { sky: { temperature: -0.2 } }), neighbour('far', 0.9, { sky: { temperature: -1 } })],
      ['sky'],
    );
    expect(e.labels.sky?.temperature).toBeCloseTo(0.55 / 1.75, 12);
    expect(e.evidence.neighbours).toBe(2); // the far one weighs nothing
  });

  it('shrinks toward the user\'s tendency, itself shrunk toward 0: t = 3·0.5/(3+1)', () => {
    const tendency: UserTendency = { global: {}, labels: { sky: { brightness: { mean: 0.5, count: 3 } } } };
    expect(shrunkTendency(tendency.labels.sky?.brightness, 1)).toBeCloseTo(0.375, 12);
    const e = estimatePreferences([neighbour('a', 0.4, { sky: { brightness: 0.8 } })], ['sky'], { tendency });
    expect(e.labels.sky?.brightness).toBeCloseTo((0.25 * 0.8 + 0.5 * 0.375) / 0.75, 12);
  });

  it('moves toward the tendency as neighbours get fewer or farther', () => {
    const tendency: UserTendency = { global: {}, labels: { sky: { brightness: { mean: -0.4, count: 20 } } } };
    const t = shrunkTendency(tendency.labels.sky?.brightness, 1);
    const at = (distance: number, count: number) =>
      estimatePreferences(Array.from({ length: count }, (_, i) => neighbour(`n${i}`, distance, { sky: { brightness: 0.6 } })), ['sky'], { tendency }).labels.sky!.brightness!;
    const byDistance = [0, 0.2, 0.4, 0.6, 0.79].map((d) => at(d, 3));
    for (let i = 1; i < byDistance.length; i++) expect(byDistance[i]).toBeLessThan(byDistance[i - 1]);
    expect(byDistance[4]).toBeCloseTo(t, 2);
    const byCount = [8, 4, 2, 1].map((n) => at(0.2, n));
    for (let i = 1; i < byCount.length; i++) expect(byCount[i]).toBeLessThan(byCount[i - 1]);
    expect(at(0.9, 5)).toBeCloseTo(t, 12);
    expect(at(0, 1000)).toBeCloseTo(0.6, 2);
  });

  it('falls back to the tendency for a label no neighbour has, then to 0', () => {
    const tendency: UserTendency = { global: { contrast: { mean: 0.2, count: 4 } }, labels: { water: { colorfulness: { mean: -0.6, count: 1 } } } };
    const e = estimatePreferences([neighbour('a', 0.1, { sky: { brightness: 0.5 } })], ['sky', 'water', 'person'], { tendency });
    expect(e.labels.water).toEqual({ colorfulness: -0.3, contrast: 0, temperature: 0, brightness: 0 });
    expect(e.labels.person).toEqual({ colorfulness: 0, contrast: 0, temperature: 0, brightness: 0 });
    expect(e.labelEvidence).toMatchObject({ water: 0, person: 0 });
    expect(e.global.contrast).toBeCloseTo(0.16, 12);
    // An attribute the neighbour left unset falls back as well; labels only of the neighbour are not answered.
    expect(e.labels.sky?.contrast).toBe(0);
    expect(Object.keys(e.labels).sort()).toEqual(['person', 'sky', 'water']);
  });

  it('estimates the global values the same way', () => {
    const e = estimatePreferences([neighbour('a', 0, {}, { contrast: 0.4 }), neighbour('b', 0, {}, { contrast: 0.2, brightness: -0.3 })], []);
    expect(e.global.contrast).toBeCloseTo(0.6 / 2.5, 12);
    expect(e.global.brightness).toBeCloseTo(-0.3 / 1.5, 12);
    expect(e.labels).toEqual({});
  });

  it('answers 0 with no evidence at all, stays in [-1, 1] and rejects nonsense options', () => {
    const empty = estimatePreferences([], ['sky']);
    expect(empty.labels.sky).toEqual({ colorfulness: 0, contrast: 0, temperature: 0, brightness: 0 });
    expect(empty.evidence).toEqual({ neighbours: 0, weight: 0 });
    const exact = estimatePreferences([neighbour('a', 0, { sky: { brightness: 1 } })], ['sky'], { priorStrength: 0 });
    expect(exact.labels.sky?.brightness).toBe(1);
    expect(estimatePreferences([], ['sky'], { maxDistance: undefined }).labels.sky?.brightness).toBe(0);
    expect(() => estimatePreferences([], [], { maxDistance: 0 })).toThrow(RangeError);
    expect(() => estimatePreferences([], [], { priorStrength: -1 })).toThrow(RangeError);
  });
});

describe('tendencyOfScenes', () => {
  it('averages each (label, attribute) and the global values over the scenes that set them', () => {
    const t = tendencyOfScenes([
      { labels: { sky: { brightness: 0.2 } }, global: { contrast: 0.5 } },
      { labels: { sky: { brightness: 0.6, temperature: -1 } } },
    ]);
    expect(t.labels.sky?.brightness).toEqual({ mean: expect.closeTo(0.4, 12), count: 2 });
    expect(t.labels.sky?.temperature).toEqual({ mean: -1, count: 1 });
    expect(t.global).toEqual({ contrast: { mean: 0.5, count: 1 } });
  });
});
