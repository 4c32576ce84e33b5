import { describe, expect, it } from 'vitest';
import { ATTRIBUTES } from '../image.js';
import { buildCalibrationTable, weightedQuantile, type CalibrationSample } from './build.js';
import { DEFAULT_CALIBRATION } from './default.js';
import { CalibrationError, MIN_TABLE_POINTS, denormalize, normalize, normalizeExtended, validateCalibrationTable } from './table.js';

const table = DEFAULT_CALIBRATION;

describe('the default calibration table', () => {
  it('has ≥ 1001 strictly increasing points per attribute and records its provenance', () => {
    for (const a of ATTRIBUTES) {
      const q = table.quantiles[a];
      expect(q.length).toBeGreaterThanOrEqual(MIN_TABLE_POINTS);
      for (let i = 1; i < q.length; i++) expect(q[i]).toBeGreaterThan(q[i - 1]);
    }
    expect(table.source?.script).toBe('scripts/calibrate.mjs');
  });

  it('maps the corpus median to 0 and its extremes to ±1', () => {
    for (const a of ATTRIBUTES) {
      const q = table.quantiles[a];
      expect(normalize(table, a, q[(q.length - 1) / 2])).toBeCloseTo(0, 12);
      expect(normalize(table, a, q[0])).toBe(-1);
      expect(normalize(table, a, q[q.length - 1])).toBe(1);
      expect(normalize(table, a, q[0] - 1e6)).toBe(-1);
      expect(normalize(table, a, q[q.length - 1] + 1e6)).toBe(1);
    }
  });

  it('normalize and denormalize are monotone inverses within 1e-6 inside the table', () => {
    for (const a of ATTRIBUTES) {
      let prev = -Infinity;
      for (let k = 0; k <= 4000; k++) {
        const u = -1 + (2 * k) / 4000;
        const raw = denormalize(table, a, u);
        expect(raw).toBeGreaterThan(prev);
        prev = raw;
        expect(Math.abs(normalize(table, a, raw) - u)).toBeLessThan(1e-6);
      }
      const q = table.quantiles[a];
      for (let k = 0; k < 200; k++) {
        const raw = q[0] + ((q[q.length - 1] - q[0]) * k) / 199;
        expect(Math.abs(denormalize(table, a, normalize(table, a, raw)) - raw)).toBeLessThan(1e-6 * Math.max(1, Math.abs(raw)));
      }
    }
  });

  it('normalizeExtended agrees inside the table and keeps a slope outside it', () => {
    const q = table.quantiles.brightness;
    expect(normalizeExtended(table, 'brightness', q[500])).toBe(normalize(table, 'brightness', q[500]));
    expect(normalizeExtended(table, 'brightness', q[1000] + 1)).toBeGreaterThan(1);
    expect(normalizeExtended(table, 'brightness', q[0] - 1)).toBeLessThan(-1);
  });
});

describe('validateCalibrationTable', () => {
  const good = { version: 'x', quantiles: Object.fromEntries(ATTRIBUTES.map((a) => [a, Array.from({ length: 1001 }, (_, i) => i)])) };

  it('accepts a well-formed table', () => {
    expect(validateCalibrationTable(good).version).toBe('x');
  });

  it.each([
    ['not an object', 42, /not an object/],
    ['no version', { ...good, version: '' }, /version/],
    ['missing attribute', { version: 'x', quantiles: { ...good.quantiles, contrast: undefined } }, /quantiles.contrast is missing/],
    ['too few points', { version: 'x', quantiles: { ...good.quantiles, brightness: [1, 2, 3] } }, /needs ≥ 1001/],
    ['not increasing', { version: 'x', quantiles: { ...good.quantiles, temperature: Array(1001).fill(1) } }, /strictly increasing/],
    ['NaN', { version: 'x', quantiles: { ...good.quantiles, colorfulness: [NaN, ...good.quantiles.colorfulness.slice(1)] } }, /finite/],
  ])('rejects %s', (_name, value, message) => {
    expect(() => validateCalibrationTable(value)).toThrow(CalibrationError);
    expect(() => validateCalibrationTable(value)).toThrow(message);
  });
});

describe('building a table', () => {
  it('weighted quantiles: sample k sits at the middle of its weight interval', () => {
    // Values 10, 20 with weights 1, 3: positions 1/8 and 5/8.
    expect(weightedQuantile([10, 20], [1, 3], 0.125)).toBe(10);
    expect(weightedQuantile([10, 20], [1, 3], 0.625)).toBe(20);
    expect(weightedQuantile([10, 20], [1, 3], 0.375)).toBeCloseTo(15, 12);
    expect(weightedQuantile([10, 20], [1, 3], 0)).toBe(10);
    expect(weightedQuantile([10, 20], [1, 3], 1)).toBe(20);
  });

  it('weighs large regions more, and is strictly increasing even with ties', () => {
    const s = (v: number, weight: number): CalibrationSample => ({ scores: { colorfulness: v, contrast: v, temperature: v, brightness: v }, weight });
    const t = buildCalibrationTable([s(1, 0.1), s(1, 0.1), s(2, 0.7), s(3, 0.1)], { version: 't' });
    expect(t.quantiles.brightness).toHaveLength(1001);
    expect(normalize(t, 'brightness', 2)).toBeGreaterThan(-0.3);
    expect(normalize(t, 'brightness', 2)).toBeLessThan(0.5);
    expect(() => validateCalibrationTable(t)).not.toThrow();
  });
});
