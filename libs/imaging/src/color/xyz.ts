/**
 * Linear sRGB ↔ CIE 1931 XYZ (D65), chromaticity coordinates and Bradford chromatic
 * adaptation.
 *
 * XYZ is scaled so that the reference white has Y = 1 (not 100).
 */

import { applyMatrix3, applyMatrix3ToBuffer, diagonal3, invert3, mat3, multiply3 } from './matrix3.js';
import type { Mat3, VecOut } from './matrix3.js';

/** A read-only 3-vector (e.g. a white point's XYZ). */
export type Vec3 = readonly [number, number, number];
/** A read-only 2-vector (a chromaticity xy). */
export type Vec2 = readonly [number, number];

/**
 * CIE standard illuminant D65, XYZ with Y = 1: (0.95047, 1, 1.08883).
 *
 * ASTM E308-01 tristimulus values for the CIE 1931 2° observer, as tabulated by Lindbloom
 * (http://www.brucelindbloom.com/index.html?Eqn_ChromAdapt.html). These are the row sums
 * of {@link SRGB_TO_XYZ} to 1e-7, so sRGB white maps onto this white.
 */
export const D65_XYZ: Vec3 = Object.freeze([0.95047, 1, 1.08883] as const);

/** CIE standard illuminant D50, XYZ with Y = 1 (ASTM E308-01, via Lindbloom): the ICC PCS white. */
export const D50_XYZ: Vec3 = Object.freeze([0.96422, 1, 0.82521] as const);

/** D65 chromaticity (0.3127, 0.3290) as specified for the sRGB white point by IEC 61966-2-1:1999. */
export const D65_XY: Vec2 = Object.freeze([0.3127, 0.329] as const);

/**
 * Linear sRGB → XYZ (D65), row-major.
 *
 * Lindbloom's matrix (http://www.brucelindbloom.com/index.html?Eqn_RGB_XYZ_Matrix.html),
 * derived from the IEC 61966-2-1 primaries and the ASTM E308 D65 white above, to 7
 * decimals. It is used rather than IEC's 4-decimal table so that white maps to D65_XYZ
 * to 1e-7 and the inverse below is consistent with it.
 */
export const SRGB_TO_XYZ: Mat3 = mat3([
  0.4124564, 0.3575761, 0.1804375,
  0.2126729, 0.7151522, 0.072175,
  0.0193339, 0.119192, 0.9503041,
]);

/**
 * XYZ (D65) → linear sRGB: the exact (float64) inverse of {@link SRGB_TO_XYZ}, computed at
 * load, not the independently rounded published inverse (3.2404542, −1.5371385, …), so
 * that RGB → XYZ → RGB round-trips to ~1e-15. It agrees with Lindbloom's inverse to 1e-6.
 */
export const XYZ_TO_SRGB: Mat3 = invert3(SRGB_TO_XYZ);

/**
 * Bradford cone-response matrix (Lam 1985; Lindbloom, "Chromatic Adaptation",
 * http://www.brucelindbloom.com/index.html?Eqn_ChromAdapt.html; colour-science
 * `colour.adaptation.CAT_BRADFORD`).
 */
export const BRADFORD: Mat3 = mat3([
  0.8951, 0.2664, -0.1614,
  -0.7502, 1.7135, 0.0367,
  0.0389, -0.0685, 1.0296,
]);

/** Exact inverse of {@link BRADFORD} (Lindbloom lists it rounded to 7 decimals). */
export const BRADFORD_INVERSE: Mat3 = invert3(BRADFORD);

/** Linear sRGB → XYZ (D65, Y = 1 for white). IEC 61966-2-1:1999 §5.2 with Lindbloom's matrix. Allocation-free. */
export function linearRgbToXyz<T extends VecOut>(r: number, g: number, b: number, out: T): T {
  return applyMatrix3(SRGB_TO_XYZ, r, g, b, out);
}

/** XYZ (D65) → linear sRGB (unclamped: out-of-gamut colours give values outside 0..1). Allocation-free. */
export function xyzToLinearRgb<T extends VecOut>(x: number, y: number, z: number, out: T): T {
  return applyMatrix3(XYZ_TO_SRGB, x, y, z, out);
}

/**
 * XYZ → CIE 1931 chromaticity `(x, y) = (X, Y) / (X + Y + Z)` (CIE 15:2004 §7.3).
 *
 * Black (X + Y + Z = 0) has no chromaticity; like colour-science's `XYZ_to_xy` it is given
 * the illuminant's, here {@link D65_XY}, so callers never see NaN from a dark pixel.
 */
export function xyzToXy<T extends VecOut>(x: number, y: number, z: number, out: T): T {
  const sum = x + y + z;
  if (sum === 0) {
    out[0] = D65_XY[0];
    out[1] = D65_XY[1];
  } else {
    out[0] = x / sum;
    out[1] = y / sum;
  }
  return out;
}

/**
 * CIE xyY → XYZ: `X = xY / y`, `Z = (1 − x − y) Y / y` (CIE 15:2004 §7.3; Lindbloom,
 * http://www.brucelindbloom.com/index.html?Eqn_xyY_to_XYZ.html). y = 0 gives black, as
 * in Lindbloom and colour-science's `xyY_to_XYZ`.
 */
export function xyYToXyz<T extends VecOut>(x: number, y: number, Y: number, out: T): T {
  if (y === 0) {
    out[0] = out[1] = out[2] = 0;
    return out;
  }
  const k = Y / y;
  out[0] = x * k;
  out[1] = Y;
  out[2] = (1 - x - y) * k;
  return out;
}

/**
 * Von Kries-type chromatic adaptation transform in XYZ using the Bradford cone space:
 * `M = B⁻¹ · diag(ρ_dst / ρ_src) · B`, where ρ = B · white (Lindbloom, "Chromatic
 * Adaptation"; colour-science `matrix_chromatic_adaptation_VonKries(…, 'Bradford')`).
 * Maps a colour seen under `srcWhite` to its corresponding colour under `dstWhite`;
 * row-major, apply to column XYZ vectors. Both whites must have the same Y scale.
 */
export function bradfordAdaptationMatrix(srcWhiteXyz: ArrayLike<number>, dstWhiteXyz: ArrayLike<number>): Float64Array {
  const src = applyMatrix3(BRADFORD, srcWhiteXyz[0], srcWhiteXyz[1], srcWhiteXyz[2], new Float64Array(3));
  const dst = applyMatrix3(BRADFORD, dstWhiteXyz[0], dstWhiteXyz[1], dstWhiteXyz[2], new Float64Array(3));
  const scale = diagonal3(dst[0] / src[0], dst[1] / src[1], dst[2] / src[2]);
  return multiply3(BRADFORD_INVERSE, multiply3(scale, BRADFORD));
}

/**
 * The Bradford adaptation expressed on linear sRGB: `M_rgb←xyz · Bradford · M_xyz←rgb`,
 * so that a white balance can be applied to a linear image with one 3×3 per pixel (e.g.
 * with `applyMatrix3ToBuffer`). Whites are XYZ; the result keeps the sRGB primaries, so
 * strongly adapted saturated colours may leave 0..1.
 */
export function rgbAdaptationMatrix(srcWhiteXyz: ArrayLike<number>, dstWhiteXyz: ArrayLike<number>): Float64Array {
  return multiply3(XYZ_TO_SRGB, multiply3(bradfordAdaptationMatrix(srcWhiteXyz, dstWhiteXyz), SRGB_TO_XYZ));
}

/** Bulk linear sRGB → XYZ over interleaved triples; `out` may be `buf` (in place). */
export function linearBufferToXyz(buf: Float32Array, out: Float32Array = new Float32Array(buf.length)): Float32Array {
  return applyMatrix3ToBuffer(SRGB_TO_XYZ, buf, out);
}

/** Bulk XYZ → linear sRGB over interleaved triples (unclamped); `out` may be `buf` (in place). */
export function xyzBufferToLinear(buf: Float32Array, out: Float32Array = new Float32Array(buf.length)): Float32Array {
  return applyMatrix3ToBuffer(XYZ_TO_SRGB, buf, out);
}
