/** PerTouch raw attribute scores (design.md §3): formulas, sufficient statistics, per-region scoring. */
export type { RegionStats } from './stats.js';
export { emptyStats, addPixel, addPair, addUnorderedPair, squaredRgbDiff, mergeStats } from './stats.js';
export {
  RAW_SCORE_LIMIT,
  CONTRAST_CAP,
  HA_ANGLE_BLUE,
  HA_ANGLE_WARM,
  haAngle,
  haFirstBranchCct,
  colorfulnessFromStats,
  contrastFromStats,
  brightnessFromMean,
  cctHernandezAndres,
  srgbDecode,
  meanRgbToXy,
  temperatureFromMean,
  scoresFromStats,
} from './formulas.js';
export { regionStats, scoreRegions, maskStats, scoreMask, scoreImage } from './score-regions.js';
