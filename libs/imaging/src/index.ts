/**
 * @pertouch/imaging — the imaging core of PerTouch: colour science, the four attribute
 * scores, calibration, parameter maps, analysis and the embedded renderer.
 * Pure math on typed arrays: no I/O, no framework.
 */
export * from './image.js';
export * from './color/index.js';
export * from './scores/index.js';
export * from './resample.js';
export { bandSplitRows, mergeBandSplits, type BandFinish, type BandSplit } from './resample-columns.js';
export { areaScale, finishAreaRange, type AreaScale } from './area-finish.js';
export * from './calibration/table.js';
export * from './calibration/build.js';
export * from './calibration/default.js';
export * from './map/parameter-map.js';
export * from './analysis.js';
export * from './segment/clusters.js';
export * from './segment/distance.js';
export { STRENGTH_BOUNDS, ZERO_STRENGTHS, type Strengths } from './render/operators.js';
export { applyPlan, applyPlanRanges, applyPlanRows, allocateLike } from './render/apply.js';
export { MAX_EDITED_REGIONS, TooManyRegionsError, type RenderPlan, type PlannedRegion } from './render/plan.js';
export type { BufferAllocator } from './render/proxy.js';
export {
  regionLut,
  solveRegion,
  type PlanSource,
  type ProxySource,
  type RegionLutRequest,
  type RegionSolveRequest,
  type RegionSolveResponse,
} from './render/region-solve.js';
export {
  render,
  planRender,
  planSteps,
  type PlanReply,
  type PlanRequest,
  type PlanSteps,
  type ShareArray,
  measureAchieved,
  recordAchieved,
  FEATHER_RADIUS,
  FEATHER_EPSILON,
  UNCHANGED_EPSILON,
  type RenderResult,
  type RenderReport,
  type RegionReport,
  type PlannedRender,
} from './render/render.js';
