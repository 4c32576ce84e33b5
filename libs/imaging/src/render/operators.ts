/**
 * The embedded renderer's four monotone operators (design.md §5), composed into one
 * per-region colour transform, applied in the order a raw developer would:
 *
 *   exposure (brightness) → tone curve (contrast) → chroma (colorfulness) → white balance (temperature)
 *
 * White balance comes last so that it acts as a colour cast on the finished region:
 * had it come before the chroma operator, desaturating would also remove the cast, and
 * "less colourful but warmer" would be unreachable.
 * The white balance is faded out towards clipping ({@link highlightProtection}); the
 * other three keep white white by construction (the roll-off and the S-curve fix 1,
 * chroma scaling and its constant-hue gamut mapping leave a neutral neutral).
 * Each operator has one real-valued strength; 0 is the identity and every pixel moves
 * monotonically with the strength, which is what lets the solver root-find them.
 * Inputs and outputs are linear sRGB in 0..1; the output is always inside the gamut.
 */

import { BRADFORD, BRADFORD_INVERSE, D65_XYZ, SRGB_TO_XYZ, XYZ_TO_SRGB, xyYToXyz } from '../color/xyz.js';
import { multiply3 } from '../color/matrix3.js';
import { OKLAB_M1_SRGB, OKLAB_M2, OKLAB_M2_INVERSE, OKLAB_M1_SRGB_INVERSE } from '../color/oklab.js';
import { planckianXy } from '../color/planckian.js';
import type { Attribute, AttributeRecord } from '../image.js';

/** Operator strengths, one per attribute (operator units, not normalised scores). */
export type Strengths = AttributeRecord;

export const ZERO_STRENGTHS: Readonly<Strengths> = Object.freeze({ colorfulness: 0, contrast: 0, temperature: 0, brightness: 0 });

/**
 * How far each operator may go. Past these the image stops looking like a photograph
 * (or clips), so a target that needs more is reported as clipped.
 * - temperature: steps of +100 mired of chromatic adaptation (≈ D65 → 3900 K per step)
 * - brightness: exposure in EV (±4)
 * - contrast: natural log of the tone curve's slope at the region's mid-tone; a slope
 *   past e^1.6 ≈ 5 crushes everything but the mid-tones to black or white
 * - colorfulness: natural log of the chroma gain (×0.007 … ×7.4)
 */
export const STRENGTH_BOUNDS: Readonly<Record<Attribute, readonly [number, number]>> = Object.freeze({
  colorfulness: [-5, 2] as const,
  contrast: [-2.5, 1.6] as const,
  temperature: [-4, 4] as const,
  brightness: [-4, 4] as const,
});

/** One region's composed transform, precomputed from its strengths. */
export interface RegionOperator {
  /** 3×3 chromatic adaptation in linear sRGB, row-major (the full strength, for unprotected pixels). */
  readonly wb: Float64Array;
  /** The temperature strength itself: highlights get a weaker adaptation of the same family. */
  readonly temperature: number;
  /** Exposure gain 2^EV of the highlight-preserving exposure curve. */
  readonly gain: number;
  /** The tone curve's pivot (OKLab L of the region's mid-tone after exposure) and slope there. */
  readonly pivot: number;
  readonly slope: number;
  /** Natural log of the chroma gain. */
  readonly chroma: number;
}

/** Cone responses of D65 and of a white 100 mired warmer, in Bradford's cone space. */
export const UNIT_CONE_LOG_GAIN: readonly number[] = (() => {
  const warmXy = planckianXy(1e6 / (1e6 / 6504 + 100), [0, 0]);
  const warm = xyYToXyz(warmXy[0], warmXy[1], 1, [0, 0, 0]);
  const cone = (xyz: ArrayLike<number>, i: number) => BRADFORD[i * 3] * xyz[0] + BRADFORD[i * 3 + 1] * xyz[1] + BRADFORD[i * 3 + 2] * xyz[2];
  return [0, 1, 2].map((i) => Math.log(cone(warm, i) / cone(D65_XYZ, i)));
})();

/**
 * Chromatic adaptation along the blue–amber axis (von Kries scaling in Bradford cone
 * space; Lam 1985, as standardised in ICC.1 Annex E). The family is the one-parameter
 * group γ(s) = γ₁^s, where γ₁ are the cone gains that adapt D65 to a Planckian white
 * 100 mired warmer (Kim et al. 2002 locus): s = 1 warms by about that much, s = −1
 * cools by as much, and the strength composes additively. Normalised so that
 * neutral white keeps its luminance (exposure is the brightness operator's job).
 */
export function temperatureMatrix(s: number): Float64Array {
  const g = UNIT_CONE_LOG_GAIN.map((l) => Math.exp(l * s));
  const diag = new Float64Array([g[0], 0, 0, 0, g[1], 0, 0, 0, g[2]]);
  const xyz = multiply3(BRADFORD_INVERSE, multiply3(diag, BRADFORD));
  const m = multiply3(XYZ_TO_SRGB, multiply3(xyz, SRGB_TO_XYZ));
  // Luminance of M·(1, 1, 1): the row sums of M are white's new R, G, B.
  const whiteY = SRGB_TO_XYZ[3] * (m[0] + m[1] + m[2]) + SRGB_TO_XYZ[4] * (m[3] + m[4] + m[5]) + SRGB_TO_XYZ[5] * (m[6] + m[7] + m[8]);
  for (let i = 0; i < 9; i++) m[i] /= whiteY;
  return m;
}

/** Linear sRGB → Bradford cone responses, and back (the two halves of {@link temperatureMatrix}). */
export const RGB_TO_CONE = multiply3(BRADFORD, SRGB_TO_XYZ);
export const CONE_TO_RGB = multiply3(XYZ_TO_SRGB, BRADFORD_INVERSE);
/** Luminance of white after cone gains g is Σᵢ WHITE_Y[i]·gᵢ (the normalisation of {@link temperatureMatrix}). */
export const WHITE_Y: readonly number[] = [0, 1, 2].map((i) => {
  const yRow = SRGB_TO_XYZ[3] * CONE_TO_RGB[i] + SRGB_TO_XYZ[4] * CONE_TO_RGB[3 + i] + SRGB_TO_XYZ[5] * CONE_TO_RGB[6 + i];
  return yRow * (RGB_TO_CONE[i * 3] + RGB_TO_CONE[i * 3 + 1] + RGB_TO_CONE[i * 3 + 2]);
});

/** Linear max channel where highlight protection of the white balance begins (sRGB ≈ 203 / 255). */
export const HIGHLIGHT_KNEE = 0.6;

/**
 * Highlight protection of the white balance: the share (0..1) of the temperature
 * strength a colour receives, 1 − smoothstep(HIGHLIGHT_KNEE, 1, max(R, G, B)) of its
 * linear channels. A clipped highlight carries no colour information to adapt, and a
 * near-clipped one has no headroom: adapting white (1, 1, 1) towards blue gives
 * (0.87, 1.02, 1.20) at strength −0.3, which the gamut clips to a cyan (0.87, 1, 1).
 * Raw developers and Lightroom-like tools keep clipped whites white under a white-balance
 * shift; fading the strength to 0 at max channel 1 (smoothly, so no band appears where
 * the fade starts) does the same. The weight depends on the colour only, never on the
 * strength, so the operator stays monotone in its strength.
 */
export function highlightProtection(maxChannel: number): number {
  return 1 - smoothstep(HIGHLIGHT_KNEE, 1, maxChannel);
}

/**
 * {@link temperatureMatrix}(s)·(r, g, b) without building the matrix: the same von Kries
 * adaptation (cone gains γ₁^s, white's luminance kept), for a per-pixel strength s.
 * Writes linear sRGB (not clipped) to out[0..2]. Allocation-free (hot loop).
 */
export function adaptTemperature(s: number, r: number, g: number, b: number, out: Float64Array | Float32Array): void {
  const v = ADAPT;
  v[0] = r;
  v[1] = g;
  v[2] = b;
  v[3] = s;
  adaptTemperatureTo(v);
  out[0] = v[0];
  out[1] = v[1];
  out[2] = v[2];
}

/** Scratch of adaptTemperature (single-threaded per isolate, never re-entered). */
const ADAPT = new Float64Array(4);

/**
 * {@link adaptTemperature} with its operands in a typed array (unboxed, see
 * applyOperatorTo): strength v[3], colour v[0..2], written back to v[0..2].
 */
function adaptTemperatureTo(v: Float64Array): void {
  const r = v[0], g = v[1], b = v[2], s = v[3];
  const g0 = Math.exp(UNIT_CONE_LOG_GAIN[0] * s), g1 = Math.exp(UNIT_CONE_LOG_GAIN[1] * s), g2 = Math.exp(UNIT_CONE_LOG_GAIN[2] * s);
  const k = 1 / (WHITE_Y[0] * g0 + WHITE_Y[1] * g1 + WHITE_Y[2] * g2);
  const c0 = k * g0 * (RGB_TO_CONE[0] * r + RGB_TO_CONE[1] * g + RGB_TO_CONE[2] * b);
  const c1 = k * g1 * (RGB_TO_CONE[3] * r + RGB_TO_CONE[4] * g + RGB_TO_CONE[5] * b);
  const c2 = k * g2 * (RGB_TO_CONE[6] * r + RGB_TO_CONE[7] * g + RGB_TO_CONE[8] * b);
  v[0] = CONE_TO_RGB[0] * c0 + CONE_TO_RGB[1] * c1 + CONE_TO_RGB[2] * c2;
  v[1] = CONE_TO_RGB[3] * c0 + CONE_TO_RGB[4] * c1 + CONE_TO_RGB[5] * c2;
  v[2] = CONE_TO_RGB[6] * c0 + CONE_TO_RGB[7] * c1 + CONE_TO_RGB[8] * c2;
}

/**
 * Exposure on linear values. Brightening (gain g > 1) uses a highlight roll-off,
 * y = g·x / (1 + (g − 1)·x): +EV in the shadows, easing into white, which it never
 * clips (and it composes like exposure: g₁ then g₂ equals g₁·g₂). Darkening (g < 1) is
 * plain exposure, y = g·x: highlights come down as much as everything else — the
 * roll-off's mirror would keep white and crush only the shadows.
 * Strictly increasing in x and in g; continuous at g = 1.
 */
export function exposureCurve(x: number, gain: number): number {
  return gain >= 1 ? (gain * x) / (1 + (gain - 1) * x) : gain * x;
}

/**
 * Contrast tone curve on OKLab lightness: a power S-curve about the pivot p with
 * slope k there, y = p·(x/p)^k below it and 1 − (1 − p)·((1 − x)/(1 − p))^k above.
 * Fixes 0, p and 1, is C¹ at p, strictly increasing for every k > 0; k > 1 adds
 * contrast, k < 1 flattens.
 */
export function contrastCurve(x: number, pivot: number, slope: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x <= pivot) return pivot * powPositive(x / pivot, slope);
  return 1 - (1 - pivot) * powPositive((1 - x) / (1 - pivot), slope);
}

/**
 * x^k for x > 0 as exp(k·ln x): within 1e-14 of Math.pow (relative), and in V8 about
 * twice as fast — the contrast curve is evaluated at every LUT node the planner samples.
 */
function powPositive(x: number, k: number): number {
  return Math.exp(k * Math.log(x));
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/**
 * How strongly a chroma boost applies to a pixel (0..1]: like a vibrance control,
 * gentle on near-neutral pixels (no colour casts or chroma noise pulled out of greys)
 * and on skin-like hues (OKLab hue ≈ 20°–80° at moderate chroma, where
 * over-saturation reads as sunburn). Reductions apply uniformly.
 */
export function chromaBoostWeight(a: number, b: number): number {
  const v = BOOST;
  v[0] = a;
  v[1] = b;
  boostWeightTo(v);
  return v[2];
}

/** Scratch of chromaBoostWeight (single-threaded per isolate, never re-entered). */
const BOOST = new Float64Array(3);

/** {@link chromaBoostWeight} of (a, b) = v[0..1], written to v[2] (unboxed, see applyOperatorTo). */
function boostWeightTo(v: Float64Array): void {
  const a = v[0], b = v[1];
  const c = Math.sqrt(a * a + b * b);
  const neutral = 0.3 + 0.7 * smoothstep(0, 0.08, c);
  const skinChroma = smoothstep(0.02, 0.05, c) * (1 - smoothstep(0.15, 0.22, c));
  // Outside the skin chroma band the hue does not matter (and atan2 is the costly part).
  if (skinChroma === 0) {
    v[2] = neutral;
    return;
  }
  const hue = (Math.atan2(b, a) * 180) / Math.PI;
  const dh = (hue - 50) / 30;
  const skinHue = dh > -1 && dh < 1 ? 1 - dh * dh : 0;
  v[2] = neutral * (1 - 0.5 * skinHue * skinChroma);
}

/**
 * Builds a region's transform. `midLuminance` is the region's mean linear luminance
 * as shot: the contrast curve pivots on it (after exposure), so contrast changes keep
 * the region's mid-tone where the brightness operator put it.
 */
export function buildOperator(strengths: Strengths, midLuminance: number): RegionOperator {
  const gain = Math.pow(2, strengths.brightness);
  const mid = Math.min(0.999, Math.max(1e-4, midLuminance));
  // The pivot is the mid-tone after exposure.
  const pivot = Math.min(0.95, Math.max(0.05, Math.cbrt(exposureCurve(mid, gain))));
  return {
    wb: temperatureMatrix(strengths.temperature),
    temperature: strengths.temperature,
    gain,
    pivot,
    slope: Math.exp(strengths.contrast),
    chroma: strengths.colorfulness,
  };
}

const [A0, A1, A2, A3, A4, A5, A6, A7, A8] = OKLAB_M1_SRGB;
const [B0, B1, B2, B3, B4, B5, B6, B7, B8] = OKLAB_M2;
const [C0, C1, C2, C3, C4, C5, C6, C7, C8] = OKLAB_M2_INVERSE;
const [D0, D1, D2, D3, D4, D5, D6, D7, D8] = OKLAB_M1_SRGB_INVERSE;

/** Bisection steps of the gamut mapping: chroma within 2⁻¹⁰ (0.1 %) of the gamut boundary. */
const GAMUT_STEPS = 10;

/**
 * Linear sRGB of the OKLab colour in out[0..2] (Ottosson 2020), written back there (in a
 * typed array, not as arguments: unboxed, see applyOperatorTo).
 */
function oklabToLinear(out: Float64Array): void {
  const L = out[0], a = out[1], b = out[2];
  const l = C0 * L + C1 * a + C2 * b;
  const m = C3 * L + C4 * a + C5 * b;
  const s = C6 * L + C7 * a + C8 * b;
  const l3 = l * l * l, m3 = m * m * m, s3 = s * s * s;
  out[0] = D0 * l3 + D1 * m3 + D2 * s3;
  out[1] = D3 * l3 + D4 * m3 + D5 * s3;
  out[2] = D6 * l3 + D7 * m3 + D8 * s3;
}

/** Scratch of applyOperatorTo (oklabToLinear, boostWeightTo, adaptTemperatureTo operands; single-threaded per isolate, never re-entered). */
const LINEAR = new Float64Array(4);

/**
 * Applies a region's transform to one linear sRGB colour (0..1) and writes the
 * result, linear and inside the sRGB gamut, to `out`. Allocation-free (hot loop).
 */
export function applyOperator(op: RegionOperator, r: number, g: number, b: number, out: Float64Array | Float32Array): void {
  const io = IO;
  io[0] = r;
  io[1] = g;
  io[2] = b;
  applyOperatorTo(op, io);
  out[0] = io[0];
  out[1] = io[1];
  out[2] = io[2];
}

/** Scratch of applyOperator (single-threaded per isolate, never re-entered). */
const IO = new Float64Array(3);

/**
 * {@link applyOperator} on the colour in io[0..2], written back there. The hot loops
 * (LUT sampling) call this one: the colour stays unboxed in a typed array instead of
 * being passed as three numbers to a function too large for V8 to inline (each call
 * would then allocate three heap numbers: a young-generation collection every few
 * thousand calls).
 */
export function applyOperatorTo(op: RegionOperator, io: Float64Array): void {
  let R = io[0], G = io[1], B = io[2];
  const k = op.gain;
  if (k > 1) {
    R = (k * R) / (1 + (k - 1) * R);
    G = (k * G) / (1 + (k - 1) * G);
    B = (k * B) / (1 + (k - 1) * B);
  } else if (k < 1) {
    R *= k;
    G *= k;
    B *= k;
  }
  // Linear sRGB → OKLab (Ottosson 2020).
  const l = Math.cbrt(A0 * R + A1 * G + A2 * B);
  const mm = Math.cbrt(A3 * R + A4 * G + A5 * B);
  const s = Math.cbrt(A6 * R + A7 * G + A8 * B);
  let L = B0 * l + B1 * mm + B2 * s;
  let a = B3 * l + B4 * mm + B5 * s;
  let bb = B6 * l + B7 * mm + B8 * s;
  // contrastCurve, written out (a call would box its result; powPositive's exp(k·ln x)).
  if (op.slope !== 1) {
    const pivot = op.pivot, slope = op.slope;
    L = L <= 0 ? 0 : L >= 1 ? 1 : L <= pivot ? pivot * Math.exp(slope * Math.log(L / pivot)) : 1 - (1 - pivot) * Math.exp(slope * Math.log((1 - L) / (1 - pivot)));
  }
  if (op.chroma !== 0) {
    let gainC: number;
    if (op.chroma > 0) {
      const v = LINEAR;
      v[0] = a;
      v[1] = bb;
      boostWeightTo(v);
      gainC = Math.exp(op.chroma * v[2]);
    } else gainC = Math.exp(op.chroma);
    a *= gainC;
    bb *= gainC;
  }
  const lin = LINEAR;
  lin[0] = L;
  lin[1] = a;
  lin[2] = bb;
  oklabToLinear(lin);
  R = lin[0];
  G = lin[1];
  B = lin[2];
  // Gamut mapping: reduce chroma at constant OKLab lightness and hue until the colour
  // fits (bisection on the chroma factor), so a stronger boost never ends with less
  // chroma than a weaker one; lightness past white maps to white.
  if (R < 0 || R > 1 || G < 0 || G > 1 || B < 0 || B > 1) {
    if (L >= 1) {
      R = G = B = 1;
    } else if (L <= 0) {
      R = G = B = 0;
    } else {
      let lo = 0, hi = 1;
      for (let i = 0; i < GAMUT_STEPS; i++) {
        const t = (lo + hi) / 2;
        lin[0] = L;
        lin[1] = a * t;
        lin[2] = bb * t;
        oklabToLinear(lin);
        const r = lin[0], g = lin[1], b = lin[2];
        if (r < 0 || r > 1 || g < 0 || g > 1 || b < 0 || b > 1) hi = t;
        else lo = t;
      }
      lin[0] = L;
      lin[1] = a * lo;
      lin[2] = bb * lo;
      oklabToLinear(lin);
      R = lin[0];
      G = lin[1];
      B = lin[2];
    }
  }
  // White balance, faded out towards clipping (highlightProtection): pixels below the
  // knee get the full matrix, those above a weaker adaptation of the same family.
  let r2: number, g2: number, b2: number;
  const max = R > G ? (R > B ? R : B) : G > B ? G : B;
  if (max <= HIGHLIGHT_KNEE) {
    const m = op.wb;
    r2 = m[0] * R + m[1] * G + m[2] * B;
    g2 = m[3] * R + m[4] * G + m[5] * B;
    b2 = m[6] * R + m[7] * G + m[8] * B;
  } else if (op.temperature === 0 || max >= 1) {
    r2 = R;
    g2 = G;
    b2 = B;
  } else {
    lin[0] = R;
    lin[1] = G;
    lin[2] = B;
    lin[3] = op.temperature * highlightProtection(max);
    adaptTemperatureTo(lin);
    r2 = lin[0];
    g2 = lin[1];
    b2 = lin[2];
  }
  io[0] = r2 <= 0 ? 0 : r2 >= 1 ? 1 : r2;
  io[1] = g2 <= 0 ? 0 : g2 >= 1 ? 1 : g2;
  io[2] = b2 <= 0 ? 0 : b2 >= 1 ? 1 : b2;
}
