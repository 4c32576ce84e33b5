import { describe, expect, it } from 'vitest';
import type { AttributeRecord, FloatRgbImage } from '../image.js';
import { ATTRIBUTES } from '../image.js';
import {
  addPair,
  addPixel,
  addUnorderedPair,
  brightnessFromMean,
  cctHernandezAndres,
  colorfulnessFromStats,
  contrastFromStats,
  emptyStats,
  maskStats,
  meanRgbToXy,
  mergeStats,
  regionStats,
  scoreImage,
  scoreMask,
  scoreRegions,
  scoresFromStats,
  temperatureFromMean,
  haFirstBranchCct,
  HA_ANGLE_BLUE,
} from './index.js';

/** A FloatRgbImage from a list of [r, g, b] pixels, row-major. */
function img(width: number, height: number, pixels: ReadonlyArray<readonly [number, number, number]>): FloatRgbImage {
  expect(pixels.length).toBe(width * height);
  return { width, height, data: Float32Array.from(pixels.flat()) };
}

/** A FloatRgbImage of grey pixels (r = g = b = v), row-major. */
function grey(width: number, height: number, values: readonly number[]): FloatRgbImage {
  return img(
    width,
    height,
    values.map((v) => [v, v, v] as const),
  );
}

function expectFinite(rec: AttributeRecord | undefined): void {
  expect(rec).toBeDefined();
  for (const a of ATTRIBUTES) expect(Number.isFinite(rec![a])).toBe(true);
}

/** The first Hernández-Andrés branch alone, written out from design.md §3. */
function haFirst(x: number, y: number): number {
  const n = (x - 0.3366) / (y - 0.1735);
  return -949.86315 + 6253.80338 * Math.exp(-n / 0.92159) + 28.70599 * Math.exp(-n / 0.20039) + 0.00004 * Math.exp(-n / 0.07125);
}

/** The second Hernández-Andrés branch alone, written out from design.md §3. */
function haSecond(x: number, y: number): number {
  const n = (x - 0.3356) / (y - 0.1691);
  return 36284.48953 + 0.00228 * Math.exp(-n / 0.07861) + 5.4535e-36 * Math.exp(-n / 0.01543);
}

describe('colorfulness (Hasler & Süsstrunk)', () => {
  it('scores a 2-pixel region by hand', () => {
    // p1 = (100, 40, 10): rg = |100−40| = 60, yb = |0.5·140 − 10| = 60
    // p2 = (20, 20, 80):  rg = 0,             yb = |0.5·40 − 80|  = 60
    // μrg = 30, σrg² = (60² + 0²)/2 − 30² = 900; μyb = 60, σyb² = 3600 − 3600 = 0
    // M = sqrt(900 + 0) + 0.3·sqrt(30² + 60²) = 30 + 0.3·sqrt(4500) = 30 + 20.1246118 = 50.1246118
    const s = emptyStats();
    addPixel(s, 100, 40, 10);
    addPixel(s, 20, 20, 80);
    expect(colorfulnessFromStats(s)).toBeCloseTo(50.1246118, 6);
  });

  it('is 0 for any grey region and never negative-variance NaN', () => {
    const s = emptyStats();
    for (let i = 0; i < 1000; i++) addPixel(s, 0.1 * i, 0.1 * i, 0.1 * i);
    expect(colorfulnessFromStats(s)).toBe(0);
    // A uniform colour: σ² = E[x²] − E[x]² may round below 0; clamped, so finite.
    const u = emptyStats();
    for (let i = 0; i < 999; i++) addPixel(u, 200.3, 17.7, 91.1);
    expect(Number.isFinite(colorfulnessFromStats(u))).toBe(true);
    // Uniform: σ = 0, M = 0.3·sqrt(rg² + yb²), rg = 182.6, yb = |109 − 91.1| = 17.9.
    // (E[x²] − E[x]² keeps ~1e-11 of rounding in σ², i.e. ~1e-6 after the sqrt.)
    expect(colorfulnessFromStats(u)).toBeCloseTo(0.3 * Math.hypot(182.6, 17.9), 4);
  });
});

describe('contrast (4-shift mean squared neighbour difference)', () => {
  it('scores a 2×2 region by hand, counting pairs over the 4 shifts', () => {
    // [ 0 10 ]   horizontal pairs: (0,10) → 3·10² = 300, (20,30) → 300
    // [20 30 ]   vertical pairs:   (0,20) → 3·20² = 1200, (10,30) → 1200
    // 4 unordered pairs, each seen by 2 shifts: Σdiff = 2·3000 = 6000, pairs = 8
    // contrast = 6000 / (4·8) = 187.5
    const st = regionStats(grey(2, 2, [0, 10, 20, 30]), new Uint8Array(4)).get(0)!;
    expect(st.pairs).toBe(8);
    expect(st.sumDiff).toBe(6000);
    expect(contrastFromStats(st)).toBe(187.5);
  });

  it('scores a 3×1 region by hand', () => {
    // [0 30 90]: (0,30) → 3·900 = 2700, (30,90) → 3·3600 = 10800; Σ = 13500 over 2 pairs
    // 4-shift: Σdiff = 27000, pairs = 4 → contrast = 27000 / 16 = 1687.5
    const st = regionStats(grey(3, 1, [0, 30, 90]), new Uint8Array(3)).get(0)!;
    expect(st.pairs).toBe(4);
    expect(st.sumDiff).toBe(27000);
    expect(contrastFromStats(st)).toBe(1687.5);
  });

  it('caps at 20000', () => {
    // [0 255]: 3·255² = 195075, Σdiff = 390150, pairs = 2 → 390150/8 = 48768.75 → cap 20000
    const st = regionStats(grey(2, 1, [0, 255]), new Uint8Array(2)).get(0)!;
    expect(st.sumDiff / (4 * st.pairs)).toBe(48768.75);
    expect(contrastFromStats(st)).toBe(20000);
    expect(scoreImage(grey(2, 1, [0, 255])).contrast).toBe(20000);
  });

  it('counts ordered pairs with addPair and unordered pairs twice with addUnorderedPair', () => {
    const a = emptyStats();
    addPair(a, 0, 0, 0, 10, 10, 10); // left→right
    addPair(a, 10, 10, 10, 0, 0, 0); // right→left
    const b = emptyStats();
    addUnorderedPair(b, 0, 0, 0, 10, 10, 10);
    expect(a).toEqual(b);
    expect(b).toMatchObject({ sumDiff: 600, pairs: 2 });
  });

  it('has no pairs and scores 0 (not NaN) for a 1-pixel region', () => {
    const s = emptyStats();
    addPixel(s, 12, 34, 56);
    expect(contrastFromStats(s)).toBe(0);
    expectFinite(scoresFromStats(s));
  });

  it('does not wrap around at image edges', () => {
    // 3 columns × 2 rows, columns 0 | 128 | 255 (each column constant).
    // Interior pairs per row: (0,128) → 3·128² = 49152, (128,255) → 3·127² = 48387;
    // vertical pairs: equal values → 0. Unordered: Σ = 2·(49152 + 48387) = 195078, 7 pairs
    // (4 horizontal + 3 vertical). 4-shift: Σdiff = 390156, pairs = 14
    // contrast = 390156 / 56 = 6967.071428...
    // (With wrap-around the strong 0|255 edge pair would also count: 3·255² = 195075 per row.)
    const im = grey(3, 2, [0, 128, 255, 0, 128, 255]);
    const st = regionStats(im, new Uint8Array(6)).get(0)!;
    expect(st.pairs).toBe(14);
    expect(st.sumDiff).toBe(390156);
    expect(scoreImage(im).contrast).toBeCloseTo(390156 / 56, 9);
  });

  it('a 2-column image has only its interior horizontal pair per row', () => {
    // 2×1, left 0, right 200: one unordered pair (3·200² = 120000), seen by 2 shifts.
    // A wrapping implementation would see 4 ordered horizontal pairs (and 2 vertical
    // self-pairs of a 1-row image); here pairs = 2 and Σdiff = 240000.
    const st = regionStats(grey(2, 1, [0, 200]), new Uint8Array(2)).get(0)!;
    expect(st.pairs).toBe(2);
    expect(st.sumDiff).toBe(240000);
    // 2×2 with columns 0 | 200: 2 horizontal pairs (120000 each) + 2 vertical pairs (0)
    // Σdiff = 2·240000 = 480000, pairs = 8 → contrast = 480000 / 32 = 15000
    expect(scoreImage(grey(2, 2, [0, 200, 0, 200])).contrast).toBe(15000);
  });

  it('scores a region split into two separate components', () => {
    // values [0 10 200 50 80], labels [1 1 0 1 1]: region 1 is two components
    // {0,10} and {50,80}; pairs across the label-0 pixel do not count.
    // (0,10) → 300, (50,80) → 3·900 = 2700: Σ = 3000 over 2 unordered pairs
    // 4-shift: Σdiff = 6000, pairs = 4 → contrast = 6000 / 16 = 375
    // grey → colorfulness 0; mean grey = (0+10+50+80)/4 = 35 → brightness 35 (weights sum to 1)
    // region 0 = one pixel of 200: contrast 0, brightness 200
    const im = grey(5, 1, [0, 10, 200, 50, 80]);
    const labels = Uint8Array.from([1, 1, 0, 1, 1]);
    const scores = scoreRegions(im, labels);
    expect([...scores.keys()]).toEqual([0, 1]);
    const r1 = scores.get(1)!;
    expect(r1.contrast).toBe(375);
    expect(r1.colorfulness).toBe(0);
    expect(r1.brightness).toBeCloseTo(35, 9);
    const r0 = scores.get(0)!;
    expect(r0.contrast).toBe(0);
    expect(r0.brightness).toBeCloseTo(200, 9);
  });
});

describe('brightness', () => {
  it('scores a known mean by hand', () => {
    // sqrt(0.241·100² + 0.691·50² + 0.068·20²) = sqrt(2410 + 1727.5 + 27.2) = sqrt(4164.7) = 64.5344869
    expect(brightnessFromMean(100, 50, 20)).toBeCloseTo(64.5344869, 6);
  });

  it('uses the region mean, not a per-pixel average', () => {
    // pixels (0,0,0) and (200,100,40): mean (100, 50, 20) → 64.5344869 as above
    const s = scoresFromStats(maskStats(img(2, 1, [[0, 0, 0], [200, 100, 40]]), Uint8Array.from([1, 1])))!;
    expect(s.brightness).toBeCloseTo(64.5344869, 5);
  });
});

describe('colour temperature (Hernández-Andrés 1999, in mired)', () => {
  it('(a) neutral grey: D65 white → ≈ 6500 K (first branch) → ≈ 153.9 mired', () => {
    // Grey: equal linear R = G = B, so xy is the matrix row sums normalised:
    // X = 0.9504700, Y = 1.0000001, Z = 1.0888300, Σ = 3.0393001 → x = 0.3127266, y = 0.3290232
    const { x, y } = meanRgbToXy(128, 128, 128);
    expect(x).toBeCloseTo(0.3127266, 6);
    expect(y).toBeCloseTo(0.3290232, 6);
    // n = (0.3127266 − 0.3366)/(0.3290232 − 0.1735) = −0.0238734/0.1555232 = −0.1535038
    // CCT = −949.86315 + 6253.80338·e^(0.1665640) + 28.70599·e^(0.7660261) + 0.00004·e^(2.1544393)
    //     = −949.86315 + 7387.23799 + 61.75229 + 0.00034 = 6499.127 K (≤ 50000: first branch)
    expect(cctHernandezAndres(x, y)).toBeCloseTo(6499.127, 2);
    expect(Math.abs(cctHernandezAndres(x, y) - 6500)).toBeLessThan(50);
    // mired = 10⁶ / 6499.127 = 153.8668
    expect(temperatureFromMean(128, 128, 128)).toBeCloseTo(153.8668, 3);
    // xy of a grey does not depend on its level
    expect(temperatureFromMean(30, 30, 30)).toBeCloseTo(153.8668, 3);
  });

  it('(b) above 50000 K the second set of constants is used', () => {
    // At xy = (0.21, 0.26):
    // first:  n = (0.21 − 0.3366)/(0.26 − 0.1735) = −0.1266/0.0865 = −1.4635838
    //   CCT = −949.86315 + 30609.0932 + 42650.0070 + 33352.7706 = 105662.0 K > 50000
    // second: n = (0.21 − 0.3356)/(0.26 − 0.1691) = −0.1256/0.0909 = −1.3817382
    //   CCT = 36284.48953 + 0.00228·e^(17.577003) + 5.4535e−36·e^(89.548813)
    //       = 36284.48953 + 98081.1001 + 4238.6774 = 138604.267 K
    expect(haFirst(0.21, 0.26)).toBeCloseTo(105662.008, 2);
    expect(cctHernandezAndres(0.21, 0.26)).toBeCloseTo(138604.267, 2);

    // Through the whole pipeline, a cyan-sky mean RGB (50, 205, 255) (255 is clipped to 0.999):
    // linear (0.0318960, 0.6104956, 0.9977266) → X = 0.4114816, Y = 0.5153916, Z = 1.0215266
    // → x = 0.2111895, y = 0.2645204
    // first:  n = −1.3778274, CCT = −949.86315 + 27889.3368 + 27801.2150 + 10009.5702 = 64750.26 K > 50000
    // second: n = (0.2111895 − 0.3356)/(0.2645204 − 0.1691) = −1.3038135,
    //   CCT = 36284.48953 + 36397.94359 + 27.16145 = 72709.595 K → mired 10⁶/72709.595 = 13.75334
    const { x, y } = meanRgbToXy(50, 205, 255);
    expect(x).toBeCloseTo(0.2111895, 6);
    expect(y).toBeCloseTo(0.2645204, 6);
    expect(haFirst(x, y)).toBeCloseTo(64750.26, 1);
    expect(cctHernandezAndres(x, y)).toBeCloseTo(72709.595, 2);
    expect(cctHernandezAndres(x, y)).toBeCloseTo(haSecond(x, y), 6);
    // The score does not use the second branch: past 50000 K it continues the first
    // branch linearly in θ (see temperatureFromMean), so it is below 20 mired, finite.
    const score = temperatureFromMean(50, 205, 255);
    expect(score).toBeLessThan(20);
    expect(score).toBeGreaterThan(0);
  });

  it('(c) blues past 50000 K continue linearly in θ: finite, monotone, no plateau', () => {
    // Light blue where the formula explodes (≈ 10^12 K): the score still moves.
    const light = temperatureFromMean(150, 170, 255);
    const deeper = temperatureFromMean(100, 150, 255);
    const deepest = temperatureFromMean(0, 0, 255);
    expect(light).toBeLessThan(20);
    expect(deeper).toBeLessThan(light);
    expect(deepest).toBeLessThan(deeper);
    for (const v of [light, deeper, deepest]) expect(Number.isFinite(v)).toBe(true);
    // Continuity at the hand-over: just inside and just outside 50000 K agree.
    const n = Math.tan(HA_ANGLE_BLUE);
    expect(1e6 / haFirstBranchCct(n)).toBeCloseTo(20, 6);
  });

  it('(d) warm orange: lower CCT → higher score', () => {
    // (255, 140, 40) → xy = (0.5189273, 0.4089982), n = 0.7742196
    // CCT = −949.86315 + 2699.58674 + 0.60263 + 0.0000 = 1750.326 K → 571.322 mired
    expect(temperatureFromMean(255, 140, 40)).toBeCloseTo(571.322, 2);
    expect(temperatureFromMean(255, 140, 40)).toBeGreaterThan(temperatureFromMean(128, 128, 128));
    expect(temperatureFromMean(128, 128, 128)).toBeGreaterThan(temperatureFromMean(200, 210, 255));
  });

  it('deep red (negative CCT from the formula) continues past 1667 K instead of clipping', () => {
    // (255, 0, 0) → xy ≈ (0.6399, 0.3300): the first branch gives ≈ −186 K.
    expect(cctHernandezAndres(...(Object.values(meanRgbToXy(255, 0, 0)) as [number, number]))).toBeLessThan(0);
    expect(temperatureFromMean(255, 0, 0)).toBeGreaterThan(temperatureFromMean(255, 140, 40));
    expect(temperatureFromMean(255, 140, 40)).toBeGreaterThan(1e6 / 1667 - 30);
  });

  it('is finite and bounded (−1000 … 5000 mired) for every mean RGB on a coarse grid', () => {
    for (let r = 0; r <= 255; r += 15) {
      for (let g = 0; g <= 255; g += 15) {
        for (let b = 0; b <= 255; b += 15) {
          const t = temperatureFromMean(r, g, b);
          expect(Number.isFinite(t) && t > -1000 && t < 5000).toBe(true);
        }
      }
    }
  });
});

describe('region scoring', () => {
  /** A deterministic 9×7 image with 4 label ids (one of them in two pieces) and noise. */
  function fixture(): { im: FloatRgbImage; labels: Uint8Array } {
    const w = 9;
    const h = 7;
    const data = new Float32Array(w * h * 3);
    let seed = 12345;
    for (let i = 0; i < data.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      data[i] = (seed >>> 8) % 256;
    }
    const labels = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) labels[y * w + x] = x < 3 ? 7 : x < 6 ? (y < 3 ? 2 : 255) : 7;
    }
    labels[4 * w + 4] = 9; // a 1-pixel region
    return { im: { width: w, height: h, data }, labels };
  }

  it('regionStats agrees with scoring each mask separately', () => {
    const { im, labels } = fixture();
    const stats = regionStats(im, labels);
    const scores = scoreRegions(im, labels);
    expect([...scores.keys()]).toEqual([2, 7, 9, 255]);
    for (const [id, st] of stats) {
      const mask = labels.map((l) => (l === id ? 1 : 0));
      const ms = maskStats(im, mask);
      for (const k of Object.keys(st) as (keyof typeof st)[]) expect(ms[k]).toBeCloseTo(st[k], 6);
      const viaMask = scoreMask(im, mask)!;
      for (const a of ATTRIBUTES) expect(viaMask[a]).toBeCloseTo(scores.get(id)![a], 9);
    }
  });

  it('an empty region id is absent; a 1-pixel region is finite', () => {
    const { im, labels } = fixture();
    const scores = scoreRegions(im, labels);
    expect(scores.has(0)).toBe(false);
    expect(scores.has(8)).toBe(false);
    expectFinite(scores.get(9));
    expect(scores.get(9)!.contrast).toBe(0);
    for (const rec of scores.values()) expectFinite(rec);
    expect(scoreMask(im, new Uint8Array(im.width * im.height))).toBeUndefined();
    expect(scoresFromStats(emptyStats())).toBeUndefined();
  });

  it('scoreImage equals the all-ones mask', () => {
    const { im } = fixture();
    const all = new Uint8Array(im.width * im.height).fill(1);
    expect(scoreImage(im)).toEqual(scoreMask(im, all));
  });

  it('mergeStats of disjoint pieces matches their union (pixel sums; pairs within pieces)', () => {
    const { im, labels } = fixture();
    const stats = regionStats(im, labels);
    const merged = mergeStats(stats.get(2)!, stats.get(255)!);
    const union = maskStats(
      im,
      labels.map((l) => (l === 2 || l === 255 ? 1 : 0)),
    );
    expect(merged.n).toBe(union.n);
    expect(merged.sumR).toBeCloseTo(union.sumR, 6);
    expect(merged.sumYb2).toBeCloseTo(union.sumYb2, 6);
    // The union also has the seam pairs between the pieces.
    expect(union.pairs).toBeGreaterThan(merged.pairs);
  });

  it('clips every raw score to [−20000, 20000]', () => {
    for (const rec of scoreRegions(fixture().im, fixture().labels).values()) {
      for (const a of ATTRIBUTES) expect(Math.abs(rec[a])).toBeLessThanOrEqual(20000);
    }
  });

  it('rejects a label raster of the wrong size', () => {
    expect(() => regionStats(grey(2, 2, [0, 0, 0, 0]), new Uint8Array(3))).toThrow(RangeError);
  });
});
