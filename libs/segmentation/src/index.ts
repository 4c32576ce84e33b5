/**
 * @pertouch/segmentation — automatic labelled regions and prompted masks.
 *
 * Pure TypeScript except the optional model adapters (onnxruntime-node / TFJS), which are
 * loaded only when a caller asks for them.
 */
export * from './types.js';
export * from './errors.js';
export * from './region-stats.js';
export * from './vocabulary.js';
export * from './tonal.js';
export { promptMask, regionsMask, clipBox } from './prompt.js';
export { labelRegions, type LabelOptions } from './label/label-regions.js';
export { createEmbeddedEngine, EMBEDDED_ENGINE_VERSION, type EmbeddedEngineOptions } from './embedded/engine.js';
export { SEGMENT_LONG_SIDE } from './embedded/working-image.js';
export { imageContentKey, LruCache } from './image-cache.js';
export { assertRgbImage, assertPointInside } from './validate.js';
export * from './models/index.js';
export * from './sam/index.js';
export * from './create-engine.js';
export * from './evaluate.js';
