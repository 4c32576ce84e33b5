import { describe, expect, it } from 'vitest';
import { linearRgbToOklab } from '../color/oklab.js';
import { linearRgbToXyz, xyzToXy } from '../color/xyz.js';
import { mulberry32 } from '../segment/clusters.js';
import { temperatureFromMean } from '../scores/formulas.js';
import { linearToSrgb, srgbToLinear } from '../color/srgb.js';
import { adaptTemperature, applyOperator, buildOperator, contrastCurve, exposureCurve, highlightProtection, temperatureMatrix, ZERO_STRENGTHS, type Strengths } from './operators.js';

const rand = mulberry32(99);
const colours = Array.from({ length: 300 }, () => [rand(), rand(), rand()] as const);
const out = new Float64Array(3);
const run = (s: Partial<Strengths>, c: readonly number[]) => {
  applyOperator(buildOperator({ ...ZERO_STRENGTHS, ...s }, 0.18), c[0], c[1], c[2], out);
  return [...out];
};
const lightness = (c: readonly number[]) => linearRgbToOklab(c[0], c[1], c[2], [0, 0, 0])[0];
const chroma = (c: readonly number[]) => {
  const lab = linearRgbToOklab(c[0], c[1], c[2], [0, 0, 0]);
  return Math.hypot(lab[1], lab[2]);
};

describe('the operators', () => {
  it('are the identity at zero strength', () => {
    for (const c of colours) expect(run({}, c)).toEqual(expect.arrayContaining([expect.closeTo(c[0], 6), expect.closeTo(c[1], 6), expect.closeTo(c[2], 6)]));
  });

  it('always return colours inside the sRGB gamut', () => {
    for (const s of [{ colorfulness: 2 }, { contrast: 1.6, brightness: 2 }, { temperature: -4, colorfulness: 1.5 }, { brightness: -4, contrast: -2.5 }]) {
      for (const c of colours) for (const v of run(s, c)) expect(v >= 0 && v <= 1).toBe(true);
    }
  });

  it('brightness: lightness rises with the strength, for every colour', () => {
    for (const c of colours) {
      let prev = -Infinity;
      for (const b of [-2, -1, -0.3, 0, 0.3, 1, 2]) {
        const l = lightness(run({ brightness: b }, c));
        expect(l).toBeGreaterThanOrEqual(prev - 1e-9);
        prev = l;
      }
    }
  });

  it('contrast: pixels above the mid-tone get lighter, below it darker, as the strength rises', () => {
    const op = (k: number) => buildOperator({ ...ZERO_STRENGTHS, contrast: k }, 0.18);
    const pivot = op(0.5).pivot;
    for (const grey of [0.02, 0.1, 0.4, 0.8]) {
      const l = (k: number) => (applyOperator(op(k), grey, grey, grey, out), lightness([...out]));
      const above = Math.cbrt(grey) > pivot;
      expect(l(1) > l(0.5)).toBe(above);
      expect(l(0.5) > l(-0.5)).toBe(above);
    }
  });

  it('colourfulness: chroma rises with the strength (until the gamut stops it)', () => {
    for (const c of colours) {
      let prev = -Infinity;
      for (const k of [-3, -1, 0, 0.5, 1]) {
        const ch = chroma(run({ colorfulness: k }, c));
        expect(ch).toBeGreaterThanOrEqual(prev - 2e-3); // the gamut mapping bisects chroma to 2⁻¹⁰
        prev = ch;
      }
    }
    // Strongly negative: close to grey.
    for (const c of colours) expect(chroma(run({ colorfulness: -5 }, c))).toBeLessThan(0.01);
  });

  it('temperature: a grey moves along the blue–amber axis, warmer with the strength', () => {
    let prev = -Infinity;
    for (const t of [-2, -1, 0, 1, 2]) {
      const c = run({ temperature: t }, [0.2, 0.2, 0.2]).map((v) => linearToSrgb(v) * 255);
      const mired = temperatureFromMean(c[0], c[1], c[2]);
      expect(mired).toBeGreaterThan(prev);
      prev = mired;
    }
    // Neutral luminance is kept (exposure is the brightness operator's job).
    const warm = run({ temperature: 2 }, [0.5, 0.5, 0.5]);
    expect(linearRgbToXyz(warm[0], warm[1], warm[2], [0, 0, 0])[1]).toBeCloseTo(0.5, 2);
    const xy = xyzToXy(...(linearRgbToXyz(warm[0], warm[1], warm[2], [0, 0, 0]) as [number, number, number]), [0, 0]);
    expect(xy[0]).toBeGreaterThan(0.3127);
  });
});

describe('highlight protection', () => {
  const srgb = (c: readonly number[]) => c.map((v) => linearToSrgb(v) * 255);
  const lin = (c: readonly number[]) => c.map((v) => srgbToLinear(v / 255));

  it('adaptTemperature is temperatureMatrix applied to the colour', () => {
    const o = new Float64Array(3);
    for (const s of [-3, -0.4, 0.7, 2.5]) {
      const m = temperatureMatrix(s);
      for (const c of colours.slice(0, 20)) {
        adaptTemperature(s, c[0], c[1], c[2], o);
        for (let i = 0; i < 3; i++) expect(o[i]).toBeCloseTo(m[3 * i] * c[0] + m[3 * i + 1] * c[1] + m[3 * i + 2] * c[2], 12);
      }
    }
  });

  it('the weight is 1 below the knee, 0 at clipping, and falls monotonically between', () => {
    expect(highlightProtection(0.5)).toBe(1);
    expect(highlightProtection(1)).toBe(0);
    let prev = 1;
    for (let m = 0.5; m <= 1; m += 0.01) {
      expect(highlightProtection(m)).toBeLessThanOrEqual(prev);
      prev = highlightProtection(m);
    }
  });

  it('white stays neutral under a cooler or warmer target, alone or with the other operators', () => {
    for (const s of [{ temperature: -0.3 }, { temperature: -4 }, { temperature: 4 }, { temperature: -0.3, brightness: 0.7, contrast: 0.3, colorfulness: -0.2 }, { colorfulness: 2, temperature: -1 }]) {
      const w = srgb(run(s, [1, 1, 1]));
      expect(Math.max(...w) - Math.min(...w)).toBeLessThanOrEqual(1);
      expect(Math.min(...w)).toBeGreaterThan(254);
    }
  });

  it('near-whites keep their hue ordering and do not turn cyan when cooled', () => {
    // Cloud and snow colours of picosdeeuropa, which went to (227, 255, 255) before the fix.
    for (const c of [[244, 247, 254], [250, 255, 255], [252, 252, 252], [248, 248, 246]]) {
      for (const s of [{ temperature: -0.3 }, { temperature: -1 }, { temperature: -0.3, brightness: 0.7, contrast: 0.3 }]) {
        const o = srgb(run(s, lin(c)));
        // Red may drop below green and blue a little more (cooler), never by a cyan cast's 20+ codes.
        expect(Math.min(o[1], o[2]) - o[0] - (Math.min(c[1], c[2]) - c[0])).toBeLessThan(6);
        if (c[2] >= c[1] && c[1] >= c[0]) expect(o[2] >= o[1] - 0.5 && o[1] >= o[0] - 0.5).toBe(true);
      }
    }
  });

  it('a colour still moves monotonically with the temperature strength', () => {
    for (const c of [...colours, [1, 1, 1], [0.95, 0.97, 1], [0.9, 0.9, 0.9], [1, 0.9, 0.8]]) {
      let prev = [Infinity, -Infinity];
      for (const t of [-4, -2, -1, -0.3, 0, 0.3, 1, 2, 4]) {
        const o = run({ temperature: t }, c);
        // Warmer: red never falls, blue never rises.
        expect(o[0]).toBeGreaterThanOrEqual(prev[1] - 1e-6); // OKLab round trip: ~1e-7
        expect(o[2]).toBeLessThanOrEqual(prev[0] + 1e-6);
        prev = [o[2], o[0]];
      }
    }
  });
});

describe('tone curves', () => {
  it('exposure fixes black, brightening keeps white and composes like exposure', () => {
    expect(exposureCurve(0, 4)).toBe(0);
    expect(exposureCurve(1, 4)).toBe(1);
    expect(exposureCurve(exposureCurve(0.3, 2), 3)).toBeCloseTo(exposureCurve(0.3, 6), 12);
    expect(exposureCurve(0.5, 0.25)).toBe(0.125); // darkening is a plain gain
  });

  it('the contrast curve fixes 0, the pivot and 1, and is strictly increasing', () => {
    for (const k of [0.3, 1, 3]) {
      expect(contrastCurve(0, 0.4, k)).toBe(0);
      expect(contrastCurve(0.4, 0.4, k)).toBeCloseTo(0.4, 12);
      expect(contrastCurve(1, 0.4, k)).toBe(1);
      for (let x = 0.01; x < 1; x += 0.01) expect(contrastCurve(x + 0.005, 0.4, k)).toBeGreaterThan(contrastCurve(x, 0.4, k));
    }
  });
});
