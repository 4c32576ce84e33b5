/**
 * The SAM engine: SAM-style ONNX encoder + prompt decoder behind SegmentationEngine.
 * See docs/sam.md for the expected model files and how to export them.
 */
export { SamEngine, createSamEngine, SAM_ENGINE_NAME, SAM_ENGINE_VERSION, DEFAULT_CACHE_SIZE, DEFAULT_GRID_SIZE, DEFAULT_AUTO_MAX_SIDE, DEFAULT_MIN_REGION_AREA } from './sam-engine.js';
export type { SamEngineOptions } from './sam-engine.js';
export { loadSamEngine, createLazySamEngine } from './load-sam-engine.js';
export { LazySamModel } from './lazy-sam-model.js';
export type { LoadSamEngineOptions } from './load-sam-engine.js';
export { OnnxSamModel, resolveSamModelPaths, ENCODER_FILE, DECODER_FILE, SAM_DIR_ENV, SAM_ENCODER_ENV, SAM_DECODER_ENV } from './onnx-sam-model.js';
export type { OnnxSamModelOptions, SamModelPaths } from './onnx-sam-model.js';
export { checkSamLayout, ENCODER_INPUT_NAMES, ENCODER_OUTPUT_NAMES, DECODER_INPUT_NAMES, DECODER_OUTPUT_NAMES } from './onnx-layout.js';
export type { SamOnnxLayout, ValueMeta } from './onnx-layout.js';
export type { SamModel, SamEmbedding, SamDecoderPrompt, SamDecoderResult, SamDecodeTarget, Size } from './sam-model.js';
export { upsampleLowResMask } from './mask-upsample.js';
export {
  SAM_INPUT_SIDE, SAM_PIXEL_MEAN, SAM_PIXEL_STD, resizedSizeOf, toModelX, toModelY, fromModelX, fromModelY, normaliseSample, encoderInput,
} from './preprocess.js';
export { MaskAssigner, openRegions, finaliseRegions, gridPoints, autoWorkingSize, workingAreaThreshold, UNASSIGNED, REST_REGION_ID, MAX_REGIONS } from './automatic.js';
