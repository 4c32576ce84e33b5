/**
 * CIE 1976 L*a*b* (CIELAB) with the D65 reference white by default.
 *
 * Uses the exact rational constants ε = 216/24389 and κ = 24389/27 (CIE 15:2004 §8.2.1
 * note; Lindbloom, http://www.brucelindbloom.com/index.html?LContinuity.html) rather than
 * the rounded 0.008856 / 903.3, so the two branches of f meet continuously and Lab → XYZ
 * inverts XYZ → Lab exactly.
 */

import { assertTriples } from './matrix3.js';
import type { VecOut } from './matrix3.js';
import { D65_XYZ, SRGB_TO_XYZ, XYZ_TO_SRGB, linearRgbToXyz, xyzToLinearRgb } from './xyz.js';

/** CIE ε = (6/29)³ = 216/24389: the t below which f(t) switches to its linear segment. */
export const LAB_EPSILON = 216 / 24389;
/** CIE κ = (29/3)³ = 24389/27: slope of L* on its linear segment (L* = κ Y/Yn). */
export const LAB_KAPPA = 24389 / 27;

const KAPPA_EPSILON = LAB_KAPPA * LAB_EPSILON; // = 8: the L* at which the branches meet

/** CIELAB f(t) = t > ε ? ∛t : (κ t + 16) / 116 (CIE 15:2004 §8.2.1, eq. 8.3). */
export function labF(t: number): number {
  return t > LAB_EPSILON ? Math.cbrt(t) : (LAB_KAPPA * t + 16) / 116;
}

/** Inverse of {@link labF}: f³ > ε ? f³ : (116 f − 16) / κ (Lindbloom, "Lab to XYZ"). */
export function labFInverse(f: number): number {
  const f3 = f * f * f;
  return f3 > LAB_EPSILON ? f3 : (116 * f - 16) / LAB_KAPPA;
}

/**
 * XYZ → CIELAB relative to `white` (XYZ of the reference white, same scale as the input).
 * CIE 15:2004 §8.2.1: L* = 116 f(Y/Yn) − 16, a* = 500 (f(X/Xn) − f(Y/Yn)),
 * b* = 200 (f(Y/Yn) − f(Z/Zn)). Allocation-free.
 */
export function xyzToLab<T extends VecOut>(x: number, y: number, z: number, out: T, white: ArrayLike<number> = D65_XYZ): T {
  const fx = labF(x / white[0]);
  const fy = labF(y / white[1]);
  const fz = labF(z / white[2]);
  out[0] = 116 * fy - 16;
  out[1] = 500 * (fx - fy);
  out[2] = 200 * (fy - fz);
  return out;
}

/**
 * CIELAB → XYZ relative to `white` (Lindbloom, "Lab to XYZ",
 * http://www.brucelindbloom.com/index.html?Eqn_Lab_to_XYZ.html). Y is taken from L*
 * directly below L* = κε = 8, where inverting through f would lose precision.
 */
export function labToXyz<T extends VecOut>(L: number, a: number, b: number, out: T, white: ArrayLike<number> = D65_XYZ): T {
  const fy = (L + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const yr = L > KAPPA_EPSILON ? fy * fy * fy : L / LAB_KAPPA;
  out[0] = labFInverse(fx) * white[0];
  out[1] = yr * white[1];
  out[2] = labFInverse(fz) * white[2];
  return out;
}

/** Linear sRGB → CIELAB (D65): {@link linearRgbToXyz} then {@link xyzToLab}. Allocation-free. */
export function linearRgbToLab<T extends VecOut>(r: number, g: number, b: number, out: T): T {
  linearRgbToXyz(r, g, b, out);
  return xyzToLab(out[0], out[1], out[2], out);
}

/** CIELAB (D65) → linear sRGB (unclamped): {@link labToXyz} then {@link xyzToLinearRgb}. Allocation-free. */
export function labToLinearRgb<T extends VecOut>(L: number, a: number, b: number, out: T): T {
  labToXyz(L, a, b, out);
  return xyzToLinearRgb(out[0], out[1], out[2], out);
}

/**
 * Bulk linear sRGB → CIELAB (D65) over interleaved triples; `out` may be `buf` (in place).
 * The matrix is folded with 1/white so each pixel costs 9 multiply-adds and 3 cube roots.
 */
export function linearBufferToLab(buf: Float32Array, out: Float32Array = new Float32Array(buf.length)): Float32Array {
  assertTriples(buf.length, out.length, 'linearBufferToLab');
  const m = SRGB_TO_XYZ;
  const ix = 1 / D65_XYZ[0], iy = 1 / D65_XYZ[1], iz = 1 / D65_XYZ[2];
  const m0 = m[0] * ix, m1 = m[1] * ix, m2 = m[2] * ix;
  const m3 = m[3] * iy, m4 = m[4] * iy, m5 = m[5] * iy;
  const m6 = m[6] * iz, m7 = m[7] * iz, m8 = m[8] * iz;
  for (let i = 0, n = buf.length; i < n; i += 3) {
    const r = buf[i], g = buf[i + 1], b = buf[i + 2];
    const fx = labF(m0 * r + m1 * g + m2 * b);
    const fy = labF(m3 * r + m4 * g + m5 * b);
    const fz = labF(m6 * r + m7 * g + m8 * b);
    out[i] = 116 * fy - 16;
    out[i + 1] = 500 * (fx - fy);
    out[i + 2] = 200 * (fy - fz);
  }
  return out;
}

/** Bulk CIELAB (D65) → linear sRGB (unclamped) over interleaved triples; `out` may be `buf`. */
export function labBufferToLinear(buf: Float32Array, out: Float32Array = new Float32Array(buf.length)): Float32Array {
  assertTriples(buf.length, out.length, 'labBufferToLinear');
  const m = XYZ_TO_SRGB;
  const wx = D65_XYZ[0], wy = D65_XYZ[1], wz = D65_XYZ[2];
  // Columns scaled by the white so the loop works on relative X/Xn, Y/Yn, Z/Zn directly.
  const m0 = m[0] * wx, m1 = m[1] * wy, m2 = m[2] * wz;
  const m3 = m[3] * wx, m4 = m[4] * wy, m5 = m[5] * wz;
  const m6 = m[6] * wx, m7 = m[7] * wy, m8 = m[8] * wz;
  for (let i = 0, n = buf.length; i < n; i += 3) {
    const L = buf[i];
    const fy = (L + 16) / 116;
    const xr = labFInverse(fy + buf[i + 1] / 500);
    const zr = labFInverse(fy - buf[i + 2] / 200);
    const yr = L > KAPPA_EPSILON ? fy * fy * fy : L / LAB_KAPPA;
    out[i] = m0 * xr + m1 * yr + m2 * zr;
    out[i + 1] = m3 * xr + m4 * yr + m5 * zr;
    out[i + 2] = m6 * xr + m7 * yr + m8 * zr;
  }
  return out;
}
