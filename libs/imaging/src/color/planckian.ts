/**
 * Planckian locus chromaticity for a correlated colour temperature (CCT).
 *
 * Kim, Kang, Song, Song & Kim (2002), "Design of advanced color temperature control system
 * for HDTV applications", Journal of the Korean Physical Society 41(6), 865–871 (also
 * US patent 7,024,034). Cubic polynomials in 1/T for x and cubics in x for y, reproduced
 * in Wikipedia, "Planckian locus" § Approximation
 * (https://en.wikipedia.org/wiki/Planckian_locus#Approximation) and colour-science
 * `colour.temperature.CCT_to_xy_Kang2002`. A closed form is preferred over integrating
 * Planck's law against the CIE 1931 observer because it needs no spectral tables and is
 * cheap enough to run on every slider update.
 */

import type { VecOut } from './matrix3.js';

/** Lowest CCT (K) for which the Kim et al. approximation is defined. */
export const PLANCKIAN_MIN_CCT = 1667;
/** Highest CCT (K) for which the Kim et al. approximation is defined. */
export const PLANCKIAN_MAX_CCT = 25000;

/** Clamps a CCT to the approximation's domain [1667, 25000] K. NaN stays NaN, so bad input is visible. */
export function clampCct(cct: number): number {
  return cct < PLANCKIAN_MIN_CCT ? PLANCKIAN_MIN_CCT : cct > PLANCKIAN_MAX_CCT ? PLANCKIAN_MAX_CCT : cct;
}

/**
 * Kim et al. (2002) x_c(T): for 1667 ≤ T ≤ 4000 K
 * `−0.2661239e9/T³ − 0.2343589e6/T² + 0.8776956e3/T + 0.179910`, for 4000 < T ≤ 25000 K
 * `−3.0258469e9/T³ + 2.1070379e6/T² + 0.2226347e3/T + 0.240390`. T is not clamped here.
 */
export function planckianX(t: number): number {
  const u = 1 / t; // Horner in 1/T
  return t <= 4000
    ? ((-0.2661239e9 * u - 0.2343589e6) * u + 0.8776956e3) * u + 0.17991
    : ((-3.0258469e9 * u + 2.1070379e6) * u + 0.2226347e3) * u + 0.24039;
}

/**
 * Kim et al. (2002) y_c(x), with the branch chosen by T: 1667–2222 K
 * `−1.1063814x³ − 1.34811020x² + 2.18555832x − 0.20219683`; 2222–4000 K
 * `−0.9549476x³ − 1.37418593x² + 2.09137015x − 0.16748867`; 4000–25000 K
 * `3.0817580x³ − 5.87338670x² + 3.75112997x − 0.37001483`.
 */
export function planckianY(x: number, t: number): number {
  if (t <= 2222) return ((-1.1063814 * x - 1.3481102) * x + 2.18555832) * x - 0.20219683;
  if (t <= 4000) return ((-0.9549476 * x - 1.37418593) * x + 2.09137015) * x - 0.16748867;
  return ((3.081758 * x - 5.8733867) * x + 3.75112997) * x - 0.37001483;
}

/**
 * CIE 1931 xy of the Planckian (blackbody) radiator at `cct` kelvin, by Kim et al. (2002).
 * `cct` is clamped to [1667, 25000] K, the range the polynomials were fitted on: outside
 * it they leave the locus (x ≈ 0.557 at 1000 K, where the blackbody has x ≈ 0.653), and
 * clamping lets a temperature slider run past the ends without producing non-physical
 * whites. Allocation-free.
 */
export function planckianXy<T extends VecOut>(cct: number, out: T): T {
  const t = clampCct(cct);
  const x = planckianX(t);
  out[0] = x;
  out[1] = planckianY(x, t);
  return out;
}

/**
 * Micro reciprocal degrees, 1e6 / T (Wyszecki & Stiles, "Color Science", 2nd ed., 1982).
 * Equal mired steps are roughly equal perceived white-balance steps; kelvin steps are not.
 */
export function mired(cct: number): number {
  return 1e6 / cct;
}
