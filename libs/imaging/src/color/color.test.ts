import { describe, it, expect } from 'vitest';
import {
  BRADFORD_INVERSE,
  D50_XYZ,
  D65_XY,
  D65_XYZ,
  OKLAB_M1_SRGB_INVERSE,
  OKLAB_M2_INVERSE,
  SRGB8_TO_LINEAR,
  XYZ_TO_SRGB,
  applyMatrix3,
  applyMatrix3ToBuffer,
  bradfordAdaptationMatrix,
  decodeSrgbToLinear,
  encodeLinearToSrgb,
  invert3,
  labBufferToLinear,
  labToLinearRgb,
  labToXyz,
  linearBufferToLab,
  linearBufferToOklab,
  linearBufferToXyz,
  linearRgbToLab,
  linearRgbToOklab,
  linearRgbToXyz,
  linearToSrgb,
  linearToSrgbFast,
  mired,
  multiply3,
  oklabBufferToLinear,
  oklabChroma,
  oklabHue,
  oklabToLinearRgb,
  oklabToXyz,
  planckianXy,
  rgbAdaptationMatrix,
  srgb16ToLinearTable,
  srgbToLinear,
  xyYToXyz,
  xyzBufferToLinear,
  xyzToLab,
  xyzToLinearRgb,
  xyzToOklab,
  xyzToXy,
} from './index.js';
import { mulberry32 } from '../segment/clusters.js';

/** Deterministic PRNG so failures are reproducible. */
const rng = mulberry32;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol)) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} ± ${tol} (|err| = ${err})`);
    }
  }
}

/** Random colours in 0..1, plus the corners and some very dark ones (Lab's linear branch). */
function sampleColours(n: number, seed: number): number[][] {
  const rand = rng(seed);
  const out: number[][] = [
    [0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1],
    [0.001, 0.002, 0.0005], [1e-5, 0, 3e-5], [0.18, 0.18, 0.18],
  ];
  for (let i = 0; i < n; i++) out.push([rand(), rand(), rand()]);
  return out;
}

const v3 = (): Float64Array => new Float64Array(3);

describe('sRGB transfer function (IEC 61966-2-1)', () => {
  it('matches the piecewise definition at its anchors', () => {
    expect(srgbToLinear(0)).toBe(0);
    expect(srgbToLinear(1)).toBeCloseTo(1, 15);
    expect(linearToSrgb(1)).toBeCloseTo(1, 15);
    // IEC 61966-2-1 §5.2: linear toe V/12.92 up to 0.04045.
    expect(srgbToLinear(0.04045)).toBeCloseTo(0.04045 / 12.92, 15);
    expect(linearToSrgb(0.0031308)).toBeCloseTo(0.0031308 * 12.92, 15);
    // Both branches (nearly) meet at the threshold: IEC's constants leave a ~1e-8 step.
    expect(Math.abs(Math.pow((0.04045 + 0.055) / 1.055, 2.4) - 0.04045 / 12.92)).toBeLessThan(1e-7);
    // sRGB 0.5 → ((0.5 + 0.055) / 1.055)^2.4 = 0.214041 (IEC 61966-2-1 §5.2 evaluated).
    expect(srgbToLinear(0.5)).toBeCloseTo(0.214041, 6);
  });

  it('round-trips encoded ↔ linear on random values within 1e-6', () => {
    const rand = rng(1);
    for (let i = 0; i < 10000; i++) {
      const v = rand();
      expect(Math.abs(linearToSrgb(srgbToLinear(v)) - v)).toBeLessThan(1e-6);
      expect(Math.abs(srgbToLinear(linearToSrgb(v)) - v)).toBeLessThan(1e-6);
    }
  });

  it('builds the 8- and 16-bit decode tables from the exact formula', () => {
    expect(SRGB8_TO_LINEAR.length).toBe(256);
    for (let i = 0; i < 256; i++) expect(SRGB8_TO_LINEAR[i]).toBe(Math.fround(srgbToLinear(i / 255)));
    const t16 = srgb16ToLinearTable();
    expect(t16.length).toBe(65536);
    expect(srgb16ToLinearTable()).toBe(t16); // cached
    for (let i = 0; i < 65536; i += 997) expect(t16[i]).toBe(Math.fround(srgbToLinear(i / 65535)));
    expect(t16[65535]).toBe(1);
  });

  it('decode → encode is the identity for all 256 8-bit codes', () => {
    const codes = new Uint8Array(256).map((_, i) => i);
    const lin = decodeSrgbToLinear(codes);
    expect(lin).toBeInstanceOf(Float32Array);
    expect(Array.from(encodeLinearToSrgb(lin, 8))).toEqual(Array.from(codes));
  });

  it('decode → encode is the identity for all 65536 16-bit codes', () => {
    const codes = new Uint16Array(65536).map((_, i) => i);
    const lin = decodeSrgbToLinear(codes);
    const back = encodeLinearToSrgb(lin, 16);
    expect(back).toBeInstanceOf(Uint16Array);
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) if (back[i] !== i) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('8-bit encode is within 0.5 LSB (+1e-4) of the exact formula, exhaustively over a 2^22 sweep and every rounding threshold', () => {
    const n = 1 << 22;
    const lin = new Float32Array(n + 3 * 255);
    for (let i = 0; i < n; i++) lin[i] = i / (n - 1);
    // The decision points: linear values whose exact encoding is a half-code, and their float32 neighbours.
    for (let k = 0; k < 255; k++) {
      const t = Math.fround(srgbToLinear((k + 0.5) / 255));
      lin[n + 3 * k] = t;
      lin[n + 3 * k + 1] = t * (1 - 2 ** -23);
      lin[n + 3 * k + 2] = t * (1 + 2 ** -23);
    }
    const codes = encodeLinearToSrgb(lin, 8);
    let worst = 0;
    for (let i = 0; i < lin.length; i++) {
      const err = Math.abs(codes[i] - 255 * linearToSrgb(lin[i]));
      if (err > worst) worst = err;
    }
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-4);
  });

  it('16-bit encode is within 1 LSB of the exact formula', () => {
    const n = 1 << 20;
    const lin = new Float32Array(n);
    for (let i = 0; i < n; i++) lin[i] = i / (n - 1);
    const codes = encodeLinearToSrgb(lin, 16);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(codes[i] - 65535 * linearToSrgb(lin[i])));
    expect(worst).toBeLessThan(0.51);
    // The table interpolation itself is far finer than one 16-bit code.
    for (let i = 0; i < n; i += 7) expect(Math.abs(linearToSrgbFast(lin[i]) - linearToSrgb(lin[i]))).toBeLessThan(2e-7);
  });

  it('clamps out-of-range and NaN input when encoding', () => {
    const lin = Float32Array.of(-1, -0, 2, Infinity, -Infinity, NaN, 1, 0);
    expect(Array.from(encodeLinearToSrgb(lin, 8))).toEqual([0, 0, 255, 255, 0, 0, 255, 0]);
    expect(Array.from(encodeLinearToSrgb(lin, 16))).toEqual([0, 0, 65535, 65535, 0, 0, 65535, 0]);
  });

  it('writes into a caller-provided output and rejects mismatched ones', () => {
    const lin = Float32Array.of(0, 0.5, 1);
    const out8 = new Uint8Array(3);
    expect(encodeLinearToSrgb(lin, 8, out8)).toBe(out8);
    const dec = new Float32Array(3);
    expect(decodeSrgbToLinear(out8, dec)).toBe(dec);
    expect(() => encodeLinearToSrgb(lin, 8, new Uint8Array(2))).toThrow(RangeError);
    expect(() => encodeLinearToSrgb(lin, 16, new Uint8Array(3) as unknown as Uint16Array)).toThrow(TypeError);
    expect(() => decodeSrgbToLinear(out8, new Float32Array(4))).toThrow(RangeError);
  });
});

describe('linear sRGB ↔ XYZ (D65)', () => {
  it('maps the primaries and white to the published XYZ', () => {
    // Lindbloom, "RGB/XYZ Matrices", sRGB (D65): columns of M are the primaries' XYZ.
    expectClose(linearRgbToXyz(1, 0, 0, v3()), [0.4124564, 0.2126729, 0.0193339], 1e-7, 'red');
    expectClose(linearRgbToXyz(0, 1, 0, v3()), [0.3575761, 0.7151522, 0.119192], 1e-7, 'green');
    expectClose(linearRgbToXyz(0, 0, 1, v3()), [0.1804375, 0.072175, 0.9503041], 1e-7, 'blue');
    // ASTM E308-01 D65 white (95.047, 100.000, 108.883), as tabulated by Lindbloom.
    expectClose(linearRgbToXyz(1, 1, 1, v3()), [0.95047, 1.0, 1.08883], 1e-4, 'white');
    expectClose(D65_XYZ, [0.95047, 1.0, 1.08883], 0, 'D65_XYZ');
  });

  it('uses an inverse that matches Lindbloom\'s published XYZ → sRGB matrix', () => {
    // Lindbloom, "RGB/XYZ Matrices", sRGB (D65), M⁻¹.
    const published = [
      3.2404542, -1.5371385, -0.4985314,
      -0.969266, 1.8760108, 0.041556,
      0.0556434, -0.2040259, 1.0572252,
    ];
    expectClose(XYZ_TO_SRGB, published, 1e-6, 'M^-1');
  });

  it('round-trips linear ↔ XYZ within 1e-6 (scalar and float32 bulk within 1e-5)', () => {
    const cols = sampleColours(2000, 2);
    const xyz = v3(), back = v3();
    const buf = new Float32Array(cols.length * 3);
    cols.forEach((c, i) => {
      linearRgbToXyz(c[0], c[1], c[2], xyz);
      xyzToLinearRgb(xyz[0], xyz[1], xyz[2], back);
      expectClose(back, c, 1e-6, `rgb ${c}`);
      buf.set(c, 3 * i);
    });
    const xyzBuf = linearBufferToXyz(buf);
    const copy = xyzBuf.slice();
    expect(xyzBufferToLinear(copy, copy)).toBe(copy); // in place
    expectClose(copy, buf, 1e-5, 'bulk');
  });

  it('computes xy chromaticity, with D65 for black', () => {
    const xy = [0, 0];
    // IEC 61966-2-1: the sRGB white point is D65, x = 0.3127, y = 0.3290.
    expectClose(xyzToXy(D65_XYZ[0], D65_XYZ[1], D65_XYZ[2], xy), [0.3127, 0.329], 1e-4, 'white');
    expectClose(xyzToXy(0, 0, 0, xy), D65_XY, 0, 'black');
    // Rec. 709 / sRGB red primary chromaticity (0.64, 0.33), IEC 61966-2-1 Table 1.
    const red = linearRgbToXyz(1, 0, 0, v3());
    expectClose(xyzToXy(red[0], red[1], red[2], xy), [0.64, 0.33], 1e-4, 'red primary');
  });

  it('converts xyY → XYZ and back', () => {
    // xyY (0.3127, 0.3290, 1) → X = x/y, Z = (1 − x − y)/y (CIE 15:2004 §7.3).
    expectClose(xyYToXyz(0.3127, 0.329, 1, v3()), [0.3127 / 0.329, 1, (1 - 0.3127 - 0.329) / 0.329], 1e-15, 'D65');
    expectClose(xyYToXyz(0.3, 0, 0.5, v3()), [0, 0, 0], 0, 'y = 0');
    const rand = rng(3);
    for (let i = 0; i < 200; i++) {
      const X = rand(), Y = rand() + 0.01, Z = rand();
      const xy = xyzToXy(X, Y, Z, [0, 0]);
      expectClose(xyYToXyz(xy[0], xy[1], Y, v3()), [X, Y, Z], 1e-12, 'xyY');
    }
  });
});

describe('Bradford chromatic adaptation', () => {
  it('matches Lindbloom\'s Bradford D65 → D50 and D50 → D65 matrices', () => {
    // Lindbloom, "Chromatic Adaptation", Bradford, reference whites D65 (0.95047, 1, 1.08883) and D50 (0.96422, 1, 0.82521).
    expectClose(bradfordAdaptationMatrix(D65_XYZ, D50_XYZ), [
      1.0478112, 0.0228866, -0.050127,
      0.0295424, 0.9904844, -0.0170491,
      -0.0092345, 0.0150436, 0.7521316,
    ], 1e-5, 'D65→D50');
    expectClose(bradfordAdaptationMatrix(D50_XYZ, D65_XYZ), [
      0.9555766, -0.0230393, 0.0631636,
      -0.0282895, 1.0099416, 0.0210077,
      0.0122982, -0.020483, 1.3299098,
    ], 1e-5, 'D50→D65');
    // Lindbloom's published inverse Bradford cone matrix.
    expectClose(BRADFORD_INVERSE, [
      0.9869929, -0.1470543, 0.1599627,
      0.4323053, 0.5183603, 0.0492912,
      -0.0085287, 0.0400428, 0.9684867,
    ], 1e-7, 'Bradford^-1');
  });

  it('maps the source white to the destination white', () => {
    const m = bradfordAdaptationMatrix(D65_XYZ, D50_XYZ);
    expectClose(applyMatrix3(m, D65_XYZ[0], D65_XYZ[1], D65_XYZ[2], v3()), D50_XYZ, 1e-12, 'D65→D50 white');
    // A 3000 K Planckian white (scaled to Y = 0.7) adapted to D65 at the same luminance.
    const xy = planckianXy(3000, [0, 0]);
    const src = xyYToXyz(xy[0], xy[1], 0.7, v3());
    const dst = [D65_XYZ[0] * 0.7, 0.7, D65_XYZ[2] * 0.7];
    const m2 = bradfordAdaptationMatrix(src, dst);
    expectClose(applyMatrix3(m2, src[0], src[1], src[2], v3()), dst, 1e-12, '3000K→D65');
    // Identity when source and destination agree; inverse when swapped.
    expectClose(bradfordAdaptationMatrix(D65_XYZ, D65_XYZ), [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-15, 'identity');
    expectClose(multiply3(m, bradfordAdaptationMatrix(D50_XYZ, D65_XYZ)), [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-12, 'inverse');
  });

  it('in linear sRGB, neutralises a tinted white and equals M⁻¹ · B · M', () => {
    const xy = planckianXy(3000, [0, 0]);
    const srcWhite = xyYToXyz(xy[0], xy[1], 1, v3());
    const rgbWhite = xyzToLinearRgb(srcWhite[0], srcWhite[1], srcWhite[2], v3());
    const m = rgbAdaptationMatrix(srcWhite, D65_XYZ);
    // The tinted white becomes sRGB white (D65_XYZ is sRGB white to 1e-7).
    expectClose(applyMatrix3(m, rgbWhite[0], rgbWhite[1], rgbWhite[2], v3()), [1, 1, 1], 1e-6, 'neutral');
    const direct = multiply3(multiply3(XYZ_TO_SRGB, bradfordAdaptationMatrix(srcWhite, D65_XYZ)), invert3(XYZ_TO_SRGB));
    expectClose(m, direct, 1e-12, 'composition');
    // Bulk application in place.
    const buf = Float32Array.of(rgbWhite[0], rgbWhite[1], rgbWhite[2], 0.2, 0.4, 0.6);
    expect(applyMatrix3ToBuffer(m, buf, buf)).toBe(buf);
    expectClose(buf.subarray(0, 3), [1, 1, 1], 1e-5, 'bulk');
    expectClose(buf.subarray(3), applyMatrix3(m, 0.2, 0.4, 0.6, v3()), 1e-6, 'bulk pixel 2');
  });
});

describe('CIELAB (D65)', () => {
  it('maps white to (100, 0, 0) and the sRGB primaries to their published Lab', () => {
    const lab = v3();
    // CIE 15:2004: the reference white has L* = 100, a* = b* = 0.
    expectClose(linearRgbToLab(1, 1, 1, lab), [100, 0, 0], 1e-4, 'white');
    expectClose(xyzToLab(D65_XYZ[0], D65_XYZ[1], D65_XYZ[2], lab), [100, 0, 0], 1e-12, 'D65');
    expectClose(linearRgbToLab(0, 0, 0, lab), [0, 0, 0], 1e-12, 'black');
    // Widely published D65 sRGB values (e.g. Lindbloom's CIE colour calculator, sRGB, D65, no adaptation):
    expectClose(linearRgbToLab(1, 0, 0, lab), [53.24, 80.09, 67.2], 0.05, 'red (255, 0, 0)');
    expectClose(linearRgbToLab(0, 1, 0, lab), [87.73, -86.18, 83.18], 0.05, 'green (0, 255, 0)');
    expectClose(linearRgbToLab(0, 0, 1, lab), [32.3, 79.19, -107.86], 0.05, 'blue (0, 0, 255)');
    // Decoding via the 8-bit table gives the same answer for the 8-bit primaries.
    const red8 = decodeSrgbToLinear(Uint8Array.of(255, 0, 0));
    expectClose(linearBufferToLab(red8), [53.24, 80.09, 67.2], 0.05, 'red bulk');
  });

  it('gives L* = 116 (Y)^(1/3) − 16 above ε and κY below (CIE 15:2004 §8.2.1)', () => {
    const lab = v3();
    expect(xyzToLab(0.18 * D65_XYZ[0], 0.18, 0.18 * D65_XYZ[2], lab)[0]).toBeCloseTo(116 * Math.cbrt(0.18) - 16, 12);
    expect(xyzToLab(0.001 * D65_XYZ[0], 0.001, 0.001 * D65_XYZ[2], lab)[0]).toBeCloseTo((24389 / 27) * 0.001, 12);
    // The branches meet: at Y = ε, L* = 8 either way.
    expect(xyzToLab(0, 216 / 24389, 0, lab)[0]).toBeCloseTo(8, 12);
  });

  it('round-trips XYZ ↔ Lab and linear ↔ Lab within 1e-6 (float32 bulk within 1e-5)', () => {
    const cols = sampleColours(2000, 4);
    const lab = v3(), back = v3(), xyz = v3();
    const buf = new Float32Array(cols.length * 3);
    cols.forEach((c, i) => {
      linearRgbToXyz(c[0], c[1], c[2], xyz);
      xyzToLab(xyz[0], xyz[1], xyz[2], lab);
      expectClose(labToXyz(lab[0], lab[1], lab[2], back), xyz, 1e-6, `xyz ${c}`);
      linearRgbToLab(c[0], c[1], c[2], lab);
      expectClose(labToLinearRgb(lab[0], lab[1], lab[2], back), c, 1e-6, `rgb ${c}`);
      // Other reference whites work too (D50).
      xyzToLab(xyz[0], xyz[1], xyz[2], lab, D50_XYZ);
      expectClose(labToXyz(lab[0], lab[1], lab[2], back, D50_XYZ), xyz, 1e-6, `xyz D50 ${c}`);
      buf.set(c, 3 * i);
    });
    const labBuf = linearBufferToLab(buf);
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i];
      expectClose(labBuf.subarray(3 * i, 3 * i + 3), linearRgbToLab(c[0], c[1], c[2], lab), 2e-4, `bulk lab ${c}`);
    }
    expect(labBufferToLinear(labBuf, labBuf)).toBe(labBuf);
    expectClose(labBuf, buf, 1e-5, 'bulk round trip');
  });
});

describe('OKLab (Ottosson 2020)', () => {
  it('reproduces Ottosson\'s published XYZ → OKLab table', () => {
    const lab = v3();
    // https://bottosson.github.io/posts/oklab/ § "Table of example XYZ and OKLab pairs".
    expectClose(xyzToOklab(0.95, 1.0, 1.089, lab), [1.0, 0.0, 0.0], 2e-3, 'D65 white');
    expectClose(xyzToOklab(1, 0, 0, lab), [0.45, 1.236, -0.019], 2e-3, 'X');
    expectClose(xyzToOklab(0, 1, 0, lab), [0.922, -0.671, 0.263], 2e-3, 'Y');
    expectClose(xyzToOklab(0, 0, 1, lab), [0.153, -1.415, -0.449], 2e-3, 'Z');
  });

  it('agrees between the linear-sRGB and XYZ paths', () => {
    const a = v3(), b = v3(), xyz = v3();
    // sRGB white is D65: L = 1, a = b = 0 (Ottosson's normalisation).
    expectClose(linearRgbToOklab(1, 1, 1, a), [1, 0, 0], 1e-6, 'white via sRGB M1');
    expectClose(xyzToOklab(D65_XYZ[0], D65_XYZ[1], D65_XYZ[2], b), a, 2e-4, 'white via XYZ M1');
    for (const c of sampleColours(200, 5)) {
      linearRgbToXyz(c[0], c[1], c[2], xyz);
      expectClose(xyzToOklab(xyz[0], xyz[1], xyz[2], b), linearRgbToOklab(c[0], c[1], c[2], a), 2e-4, `rgb ${c}`);
    }
  });

  it('maps sRGB red to its published OKLab / OKLCh', () => {
    const lab = linearRgbToOklab(1, 0, 0, v3());
    // Ottosson's linear_srgb_to_oklab on #ff0000, widely quoted as oklab(0.6280 0.2249 0.1258)
    // = oklch(62.8% 0.2577 29.23°), e.g. https://oklch.com.
    expectClose(lab, [0.628, 0.2249, 0.1258], 1e-4, 'red');
    expect(oklabChroma(lab[1], lab[2])).toBeCloseTo(0.2577, 4);
    expect((oklabHue(lab[1], lab[2]) * 180) / Math.PI).toBeCloseTo(29.23, 1);
  });

  it('matches Ottosson\'s published inverse matrices', () => {
    // https://bottosson.github.io/posts/oklab/ § "Converting from linear sRGB to Oklab" (oklab_to_linear_srgb).
    expectClose(OKLAB_M2_INVERSE, [
      1, 0.3963377774, 0.2158037573,
      1, -0.1055613458, -0.0638541728,
      1, -0.0894841775, -1.291485548,
    ], 1e-7, 'M2^-1');
    expectClose(OKLAB_M1_SRGB_INVERSE, [
      4.0767416621, -3.3077115913, 0.2309699292,
      -1.2684380046, 2.6097574011, -0.3413193965,
      -0.0041960863, -0.7034186147, 1.707614701,
    ], 1e-7, 'M1^-1');
  });

  it('round-trips linear ↔ OKLab and XYZ ↔ OKLab within 1e-6 (float32 bulk within 1e-5)', () => {
    const cols = sampleColours(2000, 6);
    const lab = v3(), back = v3();
    const buf = new Float32Array(cols.length * 3);
    cols.forEach((c, i) => {
      linearRgbToOklab(c[0], c[1], c[2], lab);
      expectClose(oklabToLinearRgb(lab[0], lab[1], lab[2], back), c, 1e-6, `rgb ${c}`);
      xyzToOklab(c[0], c[1], c[2], lab);
      expectClose(oklabToXyz(lab[0], lab[1], lab[2], back), c, 1e-6, `xyz ${c}`);
      buf.set(c, 3 * i);
    });
    // Out-of-gamut input (negative LMS) survives thanks to Math.cbrt.
    linearRgbToOklab(-0.2, 0.5, 1.3, lab);
    expectClose(oklabToLinearRgb(lab[0], lab[1], lab[2], back), [-0.2, 0.5, 1.3], 1e-6, 'out of gamut');
    const okBuf = linearBufferToOklab(buf);
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i];
      expectClose(okBuf.subarray(3 * i, 3 * i + 3), linearRgbToOklab(c[0], c[1], c[2], lab), 1e-6, `bulk ${c}`);
    }
    expect(oklabBufferToLinear(okBuf, okBuf)).toBe(okBuf);
    expectClose(okBuf, buf, 1e-5, 'bulk round trip');
  });

  it('computes chroma and hue in [0, 2π)', () => {
    expect(oklabChroma(0.3, 0.4)).toBeCloseTo(0.5, 15);
    expect(oklabHue(0, 0)).toBe(0);
    expect(oklabHue(1, 0)).toBe(0);
    expect(oklabHue(0, 1)).toBeCloseTo(Math.PI / 2, 15);
    expect(oklabHue(-1, 0)).toBeCloseTo(Math.PI, 15);
    expect(oklabHue(0, -1)).toBeCloseTo((3 * Math.PI) / 2, 15);
  });
});

describe('Planckian locus (Kim et al. 2002)', () => {
  it('matches published blackbody chromaticities', () => {
    const xy = [0, 0];
    // Planckian radiator at 6504 K: (0.3135, 0.3236) (Wyszecki & Stiles; D65's CCT lies just off the locus).
    expectClose(planckianXy(6504, xy), [0.3135, 0.3236], 0.002, '6504 K');
    // CIE illuminant A (Planckian at 2856 K): (0.44757, 0.40745), CIE 15:2004 Table T.3.
    expectClose(planckianXy(2856, xy), [0.4476, 0.4074], 0.002, '2856 K');
  });

  it('is continuous across its piecewise boundaries and clamps to [1667, 25000] K', () => {
    const a = [0, 0], b = [0, 0];
    for (const t of [2222, 4000]) expectClose(planckianXy(t - 1e-6, a), planckianXy(t + 1e-6, b), 5e-4, `${t} K`);
    expectClose(planckianXy(1000, a), planckianXy(1667, b), 0, 'low clamp');
    expectClose(planckianXy(1e6, a), planckianXy(25000, b), 0, 'high clamp');
    // x decreases monotonically with temperature along the locus.
    let prev = Infinity;
    for (let t = 1667; t <= 25000; t += 50) {
      const x = planckianXy(t, a)[0];
      expect(x).toBeLessThan(prev);
      prev = x;
    }
  });

  it('computes mireds', () => {
    expect(mired(6500)).toBeCloseTo(153.846, 3);
    expect(mired(2000)).toBe(500);
  });
});
