/**
 * OKLab (Björn Ottosson, "A perceptual color space for image processing", 2020,
 * https://bottosson.github.io/posts/oklab/; colour-science `colour.XYZ_to_Oklab`).
 *
 * OKLab = M2 · ∛(M1 · input). The forward matrices are Ottosson's published ones; the
 * inverses are computed exactly from them at load (his published inverses agree to 1e-7),
 * so linear → OKLab → linear round-trips to float64 precision. `Math.cbrt` is used because
 * it is defined for negative (out-of-gamut) LMS values, where `x ** (1/3)` gives NaN.
 */

import { assertTriples, invert3, mat3 } from './matrix3.js';
import type { Mat3, VecOut } from './matrix3.js';

/** Ottosson's M1 for XYZ (D65, Y = 1) input → approximate cone responses (LMS). */
export const OKLAB_M1_XYZ: Mat3 = mat3([
  0.8189330101, 0.3618667424, -0.1288597137,
  0.0329845436, 0.9293118715, 0.0361456387,
  0.0482003018, 0.2643662691, 0.633851707,
]);

/** Ottosson's M1 for linear sRGB input (M1_XYZ · M_sRGB→XYZ, as published in his C++ reference code). */
export const OKLAB_M1_SRGB: Mat3 = mat3([
  0.4122214708, 0.5363325363, 0.0514459929,
  0.2119034982, 0.6806995451, 0.1073969566,
  0.0883024619, 0.2817188376, 0.6299787005,
]);

/** Ottosson's M2: non-linear LMS′ → (L, a, b). */
export const OKLAB_M2: Mat3 = mat3([
  0.2104542553, 0.793617785, -0.0040720468,
  1.9779984951, -2.428592205, 0.4505937099,
  0.0259040371, 0.7827717662, -0.808675766,
]);

/** Exact inverse of {@link OKLAB_M2}: (L, a, b) → LMS′. */
export const OKLAB_M2_INVERSE: Mat3 = invert3(OKLAB_M2);
/** Exact inverse of {@link OKLAB_M1_SRGB}: LMS → linear sRGB. */
export const OKLAB_M1_SRGB_INVERSE: Mat3 = invert3(OKLAB_M1_SRGB);
/** Exact inverse of {@link OKLAB_M1_XYZ}: LMS → XYZ. */
export const OKLAB_M1_XYZ_INVERSE: Mat3 = invert3(OKLAB_M1_XYZ);

/** OKLab forward transform for a given M1: `M2 · ∛(M1 · v)`. */
function toOklab<T extends VecOut>(m1: Mat3, p: number, q: number, r: number, out: T): T {
  const l = Math.cbrt(m1[0] * p + m1[1] * q + m1[2] * r);
  const m = Math.cbrt(m1[3] * p + m1[4] * q + m1[5] * r);
  const s = Math.cbrt(m1[6] * p + m1[7] * q + m1[8] * r);
  const m2 = OKLAB_M2;
  out[0] = m2[0] * l + m2[1] * m + m2[2] * s;
  out[1] = m2[3] * l + m2[4] * m + m2[5] * s;
  out[2] = m2[6] * l + m2[7] * m + m2[8] * s;
  return out;
}

/** OKLab inverse transform for a given M1⁻¹: `M1⁻¹ · (M2⁻¹ · Lab)³`. */
function fromOklab<T extends VecOut>(m1Inverse: Mat3, L: number, a: number, b: number, out: T): T {
  const n = OKLAB_M2_INVERSE;
  const l0 = n[0] * L + n[1] * a + n[2] * b;
  const m0 = n[3] * L + n[4] * a + n[5] * b;
  const s0 = n[6] * L + n[7] * a + n[8] * b;
  const l = l0 * l0 * l0, m = m0 * m0 * m0, s = s0 * s0 * s0;
  out[0] = m1Inverse[0] * l + m1Inverse[1] * m + m1Inverse[2] * s;
  out[1] = m1Inverse[3] * l + m1Inverse[4] * m + m1Inverse[5] * s;
  out[2] = m1Inverse[6] * l + m1Inverse[7] * m + m1Inverse[8] * s;
  return out;
}

/** Linear sRGB → OKLab (Ottosson 2020, `linear_srgb_to_oklab`). Allocation-free. */
export function linearRgbToOklab<T extends VecOut>(r: number, g: number, b: number, out: T): T {
  return toOklab(OKLAB_M1_SRGB, r, g, b, out);
}

/** OKLab → linear sRGB, unclamped (Ottosson 2020, `oklab_to_linear_srgb`). Allocation-free. */
export function oklabToLinearRgb<T extends VecOut>(L: number, a: number, b: number, out: T): T {
  return fromOklab(OKLAB_M1_SRGB_INVERSE, L, a, b, out);
}

/**
 * XYZ (D65, Y = 1) → OKLab with Ottosson's XYZ M1. This is the form his published test
 * table is given in. Allocation-free.
 */
export function xyzToOklab<T extends VecOut>(x: number, y: number, z: number, out: T): T {
  return toOklab(OKLAB_M1_XYZ, x, y, z, out);
}

/** OKLab → XYZ (D65, Y = 1). Allocation-free. */
export function oklabToXyz<T extends VecOut>(L: number, a: number, b: number, out: T): T {
  return fromOklab(OKLAB_M1_XYZ_INVERSE, L, a, b, out);
}

/** OKLab chroma C = √(a² + b²) (Ottosson 2020, OKLCh). `Math.hypot` is avoided: it is several times slower in V8. */
export function oklabChroma(a: number, b: number): number {
  return Math.sqrt(a * a + b * b);
}

/**
 * OKLab hue h = atan2(b, a) in radians, normalised to [0, 2π) as in OKLCh / CIE LCh
 * (colour-science `Jab_to_JCh` uses the same range in degrees). Achromatic (a = b = 0) gives 0.
 */
export function oklabHue(a: number, b: number): number {
  const h = Math.atan2(b, a);
  return h < 0 ? h + 2 * Math.PI : h;
}

/** Bulk linear sRGB → OKLab over interleaved triples; `out` may be `buf` (in place). */
export function linearBufferToOklab(buf: Float32Array, out: Float32Array = new Float32Array(buf.length)): Float32Array {
  assertTriples(buf.length, out.length, 'linearBufferToOklab');
  const p = OKLAB_M1_SRGB, q = OKLAB_M2;
  // Hoisted into locals: V8 keeps them in registers for the whole loop.
  const p0 = p[0], p1 = p[1], p2 = p[2], p3 = p[3], p4 = p[4], p5 = p[5], p6 = p[6], p7 = p[7], p8 = p[8];
  const q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3], q4 = q[4], q5 = q[5], q6 = q[6], q7 = q[7], q8 = q[8];
  for (let i = 0, n = buf.length; i < n; i += 3) {
    const r = buf[i], g = buf[i + 1], b = buf[i + 2];
    const l = Math.cbrt(p0 * r + p1 * g + p2 * b);
    const m = Math.cbrt(p3 * r + p4 * g + p5 * b);
    const s = Math.cbrt(p6 * r + p7 * g + p8 * b);
    out[i] = q0 * l + q1 * m + q2 * s;
    out[i + 1] = q3 * l + q4 * m + q5 * s;
    out[i + 2] = q6 * l + q7 * m + q8 * s;
  }
  return out;
}

/** Bulk OKLab → linear sRGB (unclamped) over interleaved triples; `out` may be `buf` (in place). */
export function oklabBufferToLinear(buf: Float32Array, out: Float32Array = new Float32Array(buf.length)): Float32Array {
  assertTriples(buf.length, out.length, 'oklabBufferToLinear');
  const p = OKLAB_M2_INVERSE, q = OKLAB_M1_SRGB_INVERSE;
  const p0 = p[0], p1 = p[1], p2 = p[2], p3 = p[3], p4 = p[4], p5 = p[5], p6 = p[6], p7 = p[7], p8 = p[8];
  const q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3], q4 = q[4], q5 = q[5], q6 = q[6], q7 = q[7], q8 = q[8];
  for (let i = 0, n = buf.length; i < n; i += 3) {
    const L = buf[i], a = buf[i + 1], b = buf[i + 2];
    const l0 = p0 * L + p1 * a + p2 * b;
    const m0 = p3 * L + p4 * a + p5 * b;
    const s0 = p6 * L + p7 * a + p8 * b;
    const l = l0 * l0 * l0, m = m0 * m0 * m0, s = s0 * s0 * s0;
    out[i] = q0 * l + q1 * m + q2 * s;
    out[i + 1] = q3 * l + q4 * m + q5 * s;
    out[i + 2] = q6 * l + q7 * m + q8 * s;
  }
  return out;
}
