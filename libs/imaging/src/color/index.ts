/** Colour science: sRGB transfer curve, XYZ / xy / Bradford, CIELAB, OKLab, Planckian locus. */

export type { Mat3, VecOut } from './matrix3.js';
export {
  applyMatrix3,
  applyMatrix3ToBuffer,
  determinant3,
  diagonal3,
  identity3,
  invert3,
  mat3,
  multiply3,
} from './matrix3.js';

export {
  SRGB8_TO_LINEAR,
  SRGB_DECODE_THRESHOLD,
  SRGB_ENCODE_THRESHOLD,
  decodeSrgbToLinear,
  encodeLinearToSrgb,
  linearToSrgb,
  linearToSrgbFast,
  srgb16ToLinearTable,
  srgbToLinear,
} from './srgb.js';

export type { Vec2, Vec3 } from './xyz.js';
export {
  BRADFORD,
  BRADFORD_INVERSE,
  D50_XYZ,
  D65_XY,
  D65_XYZ,
  SRGB_TO_XYZ,
  XYZ_TO_SRGB,
  bradfordAdaptationMatrix,
  linearBufferToXyz,
  linearRgbToXyz,
  rgbAdaptationMatrix,
  xyYToXyz,
  xyzBufferToLinear,
  xyzToLinearRgb,
  xyzToXy,
} from './xyz.js';

export {
  LAB_EPSILON,
  LAB_KAPPA,
  labBufferToLinear,
  labF,
  labFInverse,
  labToLinearRgb,
  labToXyz,
  linearBufferToLab,
  linearRgbToLab,
  xyzToLab,
} from './lab.js';

export {
  OKLAB_M1_SRGB,
  OKLAB_M1_SRGB_INVERSE,
  OKLAB_M1_XYZ,
  OKLAB_M1_XYZ_INVERSE,
  OKLAB_M2,
  OKLAB_M2_INVERSE,
  linearBufferToOklab,
  linearRgbToOklab,
  oklabBufferToLinear,
  oklabChroma,
  oklabHue,
  oklabToLinearRgb,
  oklabToXyz,
  xyzToOklab,
} from './oklab.js';

export { PLANCKIAN_MAX_CCT, PLANCKIAN_MIN_CCT, clampCct, mired, planckianX, planckianXy, planckianY } from './planckian.js';
