/**
 * The four PerTouch raw attribute scores (design.md §3), one function per formula.
 *
 * Inputs are on the 0..255 scale. These definitions are the contract: maps made here
 * must mean the same as maps made by the original code, so the constants below are
 * copied from design.md §3 and must not be "improved".
 */
import type { AttributeRecord } from '../image.js';
import type { RegionStats } from './stats.js';

/** Every raw score is clipped to [−RAW_SCORE_LIMIT, RAW_SCORE_LIMIT], as the original does. */
export const RAW_SCORE_LIMIT = 20000;

/** Contrast above this is capped (design.md §3). */
export const CONTRAST_CAP = 20000;



/**
 * Colourfulness of a region.
 *
 * Reference: D. Hasler and S. Süsstrunk, "Measuring colourfulness in natural images",
 * Proc. SPIE 5007, Human Vision and Electronic Imaging VIII (2003), eq. (3):
 * M = sqrt(σrg² + σyb²) + 0.3 · sqrt(μrg² + μyb²), with rg = |R − G| and
 * yb = |0.5(R + G) − B| (the absolute values are the PerTouch definition).
 *
 * σ is the population standard deviation, from the sums as σ² = E[x²] − E[x]², clamped
 * at 0 because rounding can make it slightly negative for a uniform region.
 * Returns 0 for an empty region (callers normally drop empty regions first).
 */
export function colorfulnessFromStats(s: RegionStats): number {
  if (s.n <= 0) return 0;
  const muRg = s.sumRg / s.n;
  const muYb = s.sumYb / s.n;
  const varRg = Math.max(0, s.sumRg2 / s.n - muRg * muRg);
  const varYb = Math.max(0, s.sumYb2 / s.n - muYb * muYb);
  return Math.sqrt(varRg + varYb) + 0.3 * Math.sqrt(muRg * muRg + muYb * muYb);
}

/**
 * Contrast of a region: the mean squared RGB neighbour difference, PerTouch's
 * definition (design.md §3): over the 4 one-pixel shifts, Σ diff / (4 · valid pairs),
 * capped at {@link CONTRAST_CAP}. See {@link RegionStats} for how pairs are counted.
 *
 * A region without any adjacent pair (e.g. one pixel) has no measurable contrast:
 * 0, not NaN.
 */
export function contrastFromStats(s: RegionStats): number {
  if (s.pairs <= 0) return 0;
  return Math.min(CONTRAST_CAP, s.sumDiff / (4 * s.pairs));
}

/**
 * Perceived brightness from a region's mean R, G, B (0..255).
 *
 * Reference: D. R. Finley, "HSP Color Model" (2006), the weights of its first
 * published version: sqrt(0.241 R̄² + 0.691 Ḡ² + 0.068 B̄²), as PerTouch uses it
 * (design.md §3). Applied to the region MEAN, not averaged per pixel.
 * The weights sum to 1, so a grey of level v scores v.
 */
export function brightnessFromMean(r: number, g: number, b: number): number {
  return Math.sqrt(0.241 * r * r + 0.691 * g * g + 0.068 * b * b);
}

/**
 * Correlated colour temperature (K) from CIE 1931 xy.
 *
 * Reference: J. Hernández-Andrés, R. L. Lee and J. Romero, "Calculating correlated color
 * temperatures across the entire gamut of daylight and skylight chromaticities",
 * Applied Optics 38(27), 5703–5709 (1999), with the constants of design.md §3:
 * n = (x − 0.3366)/(y − 0.1735);
 * CCT = −949.86315 + 6253.80338·e^(−n/0.92159) + 28.70599·e^(−n/0.20039) + 0.00004·e^(−n/0.07125);
 * if that exceeds 50000 K: n = (x − 0.3356)/(y − 0.1691),
 * CCT = 36284.48953 + 0.00228·e^(−n/0.07861) + 5.4535e−36·e^(−n/0.01543).
 *
 * Valid for 3000–800000 K near the daylight locus. Outside it the raw result may be
 * negative, astronomically large, Infinity or NaN (y = 0.1735); it is returned as is:
 * {@link temperatureFromMean} decides how to condition it.
 */
export function cctHernandezAndres(x: number, y: number): number {
  const n1 = (x - 0.3366) / (y - 0.1735);
  const cct =
    -949.86315 +
    6253.80338 * Math.exp(-n1 / 0.92159) +
    28.70599 * Math.exp(-n1 / 0.20039) +
    0.00004 * Math.exp(-n1 / 0.07125);
  if (!(cct > 50000)) return cct;
  const n2 = (x - 0.3356) / (y - 0.1691);
  return 36284.48953 + 0.00228 * Math.exp(-n2 / 0.07861) + 5.4535e-36 * Math.exp(-n2 / 0.01543);
}

/**
 * sRGB decoding (electro-optical transfer function) of one value in [0, 1].
 *
 * Reference: IEC 61966-2-1:1999, §5.2: c ≤ 0.04045 ? c/12.92 : ((c + 0.055)/1.055)^2.4.
 * Kept local so the scores do not depend on the colour module.
 */
export function srgbDecode(c: number): number {
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/**
 * CIE 1931 xy chromaticity of a region's mean RGB (0..255), PerTouch's pipeline
 * (design.md §3): mean / 255, clipped to [0.001, 0.999] (keeps X + Y + Z > 0 and the
 * chromaticity defined for black), sRGB decode (IEC 61966-2-1), linear sRGB → XYZ (D65)
 * with the standard IEC 61966-2-1 matrix
 * X = 0.4124564R + 0.3575761G + 0.1804375B;
 * Y = 0.2126729R + 0.7151522G + 0.0721750B;
 * Z = 0.0193339R + 0.1191920G + 0.9503041B,
 * then x = X/(X+Y+Z), y = Y/(X+Y+Z).
 */
export function meanRgbToXy(r: number, g: number, b: number): { x: number; y: number } {
  const rl = srgbDecode(clip(r / 255, 0.001, 0.999));
  const gl = srgbDecode(clip(g / 255, 0.001, 0.999));
  const bl = srgbDecode(clip(b / 255, 0.001, 0.999));
  const X = 0.4124564 * rl + 0.3575761 * gl + 0.1804375 * bl;
  const Y = 0.2126729 * rl + 0.7151522 * gl + 0.072175 * bl;
  const Z = 0.0193339 * rl + 0.119192 * gl + 0.9503041 * bl;
  const sum = X + Y + Z;
  return { x: X / sum, y: Y / sum };
}

/**
 * The direction of a chromaticity seen from Hernández-Andrés 1999's epicentre
 * (0.3366, 0.1735): θ = atan2(x − 0.3366, y − 0.1735), so that the formula's variable
 * is n = tan θ. θ grows monotonically from blue to amber, like n, but stays finite and
 * smooth where n blows up (y → 0.1735, the deepest blues) and beyond.
 */
export function haAngle(x: number, y: number): number {
  return Math.atan2(x - 0.3366, y - 0.1735);
}

/** The first-branch CCT (K) of Hernández-Andrés 1999 as a function of n (see {@link cctHernandezAndres}). */
export function haFirstBranchCct(n: number): number {
  return -949.86315 + 6253.80338 * Math.exp(-n / 0.92159) + 28.70599 * Math.exp(-n / 0.20039) + 0.00004 * Math.exp(-n / 0.07125);
}

/** n at which the first branch reaches a given CCT (it is strictly decreasing in n), by bisection. */
function slopeAtCct(cct: number): number {
  let lo = -3, hi = 3;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (haFirstBranchCct(mid) > cct) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Mired of the first branch as a function of θ (n = tan θ). */
function miredAtAngle(theta: number): number {
  return 1e6 / haFirstBranchCct(Math.tan(theta));
}

/**
 * The span of θ where the first branch is used as published: from 50000 K (where the
 * formula itself hands over to its second branch, and its blow-up begins) to 1667 K
 * (the warm end of the Planckian-locus approximations; below it the first branch heads
 * to 0 K and negative).
 */
export const HA_ANGLE_BLUE = Math.atan(slopeAtCct(50000));
export const HA_ANGLE_WARM = Math.atan(slopeAtCct(1667));
const HA_ANGLE_LIMIT = (3 * Math.PI) / 4;
const MIRED_BLUE = miredAtAngle(HA_ANGLE_BLUE);
const MIRED_WARM = miredAtAngle(HA_ANGLE_WARM);
/** d(mired)/dθ at the two ends, for the linear continuation. */
const SLOPE_BLUE = (miredAtAngle(HA_ANGLE_BLUE + 1e-7) - miredAtAngle(HA_ANGLE_BLUE - 1e-7)) / 2e-7;
const SLOPE_WARM = (miredAtAngle(HA_ANGLE_WARM + 1e-7) - miredAtAngle(HA_ANGLE_WARM - 1e-7)) / 2e-7;

/**
 * PerTouch's raw colour-temperature score of a region, in mired (10⁶ / CCT): higher is
 * warmer, as the original's −CCT.
 *
 * Between 1667 K and 50000 K it is exactly 10⁶ / CCT with CCT the Hernández-Andrés
 * first branch of {@link meanRgbToXy}. Beyond those ends it continues linearly in the
 * direction θ ({@link haAngle}) with the slope it has at the end, so the score is
 * continuous, strictly monotone along the blue–amber axis and finite everywhere: bluer
 * than 50000 K gives less than 20 mired (negative for the deepest blues, "bluer than
 * any daylight"), redder than 1667 K more than 600 mired.
 *
 * Why (design.md §3): the original scores −CCT and clips it to [−20000, 20000]. For
 * bluish regions (clear skies, shade) the formula leaves its valid range and returns up
 * to 10^18 K, so −CCT sits on the clip and the temperature channel carries no
 * information exactly where skies need it; clipping the CCT instead leaves a plateau on
 * which no edit can be measured. Mired is the standard near-perceptually-uniform scale
 * for colour temperature (equal steps ≈ equal visible shifts, as colour-correction
 * filters are rated), and the continuation keeps every sky and every tungsten lamp
 * measurable, so the renderer can aim at any target along the axis.
 */
export function temperatureFromMean(r: number, g: number, b: number): number {
  const { x, y } = meanRgbToXy(r, g, b);
  // Purples (straight below the epicentre, θ → ±π) are off the blue–amber axis; holding
  // θ within ±3π/4 keeps them finite and bounded instead of extrapolating without end.
  const theta = Math.max(-HA_ANGLE_LIMIT, Math.min(HA_ANGLE_LIMIT, haAngle(x, y)));
  if (theta < HA_ANGLE_BLUE) return MIRED_BLUE + SLOPE_BLUE * (theta - HA_ANGLE_BLUE);
  if (theta > HA_ANGLE_WARM) return MIRED_WARM + SLOPE_WARM * (theta - HA_ANGLE_WARM);
  return miredAtAngle(theta);
}

/**
 * The four raw attribute scores of a region from its sufficient statistics, each
 * clipped to [−20000, 20000] as the original does; undefined for an empty region
 * (design.md §3: an empty region scores nothing, never NaN).
 */
export function scoresFromStats(s: RegionStats): AttributeRecord | undefined {
  if (!(s.n > 0)) return undefined;
  const r = s.sumR / s.n;
  const g = s.sumG / s.n;
  const b = s.sumB / s.n;
  return {
    colorfulness: clipRaw(colorfulnessFromStats(s)),
    contrast: clipRaw(contrastFromStats(s)),
    temperature: clipRaw(temperatureFromMean(r, g, b)),
    brightness: clipRaw(brightnessFromMean(r, g, b)),
  };
}

function clipRaw(v: number): number {
  return clip(v, -RAW_SCORE_LIMIT, RAW_SCORE_LIMIT);
}

function clip(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
