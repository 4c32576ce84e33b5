/**
 * @pertouch/diffusion — PerTouch's diffusion renderer (design.md §5): Stable Diffusion 2.1
 * with the PerTouch ControlNet, exported to ONNX, run on onnxruntime-node (CUDA when
 * present, CPU otherwise), with the 512² result carried onto the full-resolution original
 * by a bilateral grid of affine colour transforms. README.md: the model set, the API,
 * the export.
 */
export * from './errors.js';
export * from './model-set/spec.js';
export { parseManifest, MANIFEST_FORMAT, MANIFEST_VERSION, type ModelSetManifest } from './model-set/manifest.js';
export { checkModelSetLayout, type ModelMeta, type ModelSetLayout, type ModelSetMeta, type ValueMeta } from './model-set/layout.js';
export { parseNpy, encodeNpy, type NpyArray } from './model-set/npy.js';
export { DdimScheduler, SD21_DDIM_CONFIG, DEFAULT_STEPS, FAST_STEPS, alphasCumprod, betaSchedule, ddimTimesteps, type DdimConfig } from './scheduler/ddim.js';
export { gaussianNoise, Xoshiro128StarStar, DEFAULT_SEED } from './noise/gaussian.js';
export { toFloat16Bits, fromFloat16Bits, float32ToFloat16, float16ToFloat32 } from './tensor/float16.js';
export { toModelImage, fromModelImage, unitToRgb8 } from './image/model-image.js';
export { parameterMapRaster, uniformMapRaster } from './image/parameter-map-raster.js';
export { fitColourGrid, luma, DEFAULT_GRID_OPTIONS, type ColourGrid, type ColourGridOptions, type UnitRgbImage } from './transfer/colour-grid.js';
export { applyColourGrid, applyColourGridUnit, psnr } from './transfer/apply-grid.js';
export { TransferPool, PARALLEL_TRANSFER_MIN_PIXELS } from './transfer/transfer-pool.js';
export { PROVIDER_CHOICES, cudaProviderInstalled, providerCandidates, sessionOptionsFor, type Provider, type ProviderChoice, type SessionSettings } from './runtime/providers.js';
export { loadModelSet, choosePrecision, PRECISION_CHOICES, type LoadModelSetOptions, type LoadedModelSet, type PrecisionChoice } from './runtime/load-model-set.js';
export { DiffusionPipeline, type DenoiseOptions, type DenoiseResult, type DenoiseTimings, type PipelineInfo, type StepEvent } from './pipeline/diffusion-pipeline.js';
export { retouch, type RetouchPipeline, type RetouchOptions, type RetouchResult, type RetouchStats } from './pipeline/retouch.js';
export { inspectModelSetDirectory, type ModelSetInspection } from './runtime/inspect-model-set.js';
