/**
 * @pertouch/memory — scene-aware taste memory (design.md §6, the paper's §3.3): the scene
 * descriptor F(image), the stores (Postgres + pgvector, embedded PGlite, in-memory) and
 * the estimate p(c | f; M) of what a user wants for a new scene.
 */
export * from './ports.js';
export {
  describeScene,
  describeImage,
  descriptorBlocks,
  DESCRIPTOR_BLOCKS,
  EMBEDDED_DIMENSION,
  EMBEDDED_FEATURE_KIND,
  sceneLabels,
  type LabelledRegions,
  type SceneInput,
  type SceneRegion,
} from './descriptor/describe-scene.js';
export { describeWithModel, SceneModelError, type SceneModel, type SceneModelErrorCode } from './descriptor/scene-model.js';
export { OnnxSceneModel, type OnnxSceneModelOptions } from './descriptor/onnx-scene-model.js';
export { CLIP_MEAN, CLIP_STD, DEFAULT_SCENE_INPUT_SIZE, centreSquare, clipPixelValues } from './descriptor/clip-preprocess.js';
export { checkSceneModelLayout, DEFAULT_SCENE_MODEL_OUTPUT, MAX_SCENE_DIMENSION, SCENE_MODEL_INPUT, type SceneModelLayout } from './descriptor/onnx-scene-layout.js';
export { fileSha256, modelNameOfPath, ONNX_KIND_PREFIX, SCENE_MODEL_NAME_PATTERN, sceneModelKind } from './descriptor/scene-model-kind.js';
export { LABEL_FAMILIES, labelFamily, type LabelFamily } from './descriptor/label-families.js';
export { GRID_SIZE, HISTOGRAM_BINS } from './descriptor/pixel-statistics.js';
export {
  estimatePreferences,
  neighbourWeight,
  shrunkTendency,
  DEFAULT_ESTIMATE_OPTIONS,
  type EstimateOptions,
} from './estimate/estimate-preferences.js';
export { ATTRIBUTE_NAMES, tendencyOfScenes } from './estimate/tendency.js';
export { recallPreferences, DEFAULT_NEIGHBOURS, type RecallOptions, type RecallRequest } from './recall.js';
export { PostgresMemoryRepository } from './store/postgres-memory-repository.js';
export { PgliteMemoryRepository, type PgliteMemoryOptions } from './store/pglite-memory-repository.js';
export { InMemoryMemoryRepository } from './store/in-memory-repository.js';
export { DEFAULT_EF_SEARCH, MEMORY_LOCK_NAMESPACE, type SqlMemoryOptions } from './store/sql-memory-repository.js';
export { HNSW_INDEXED_KINDS, SCENE_MEMORY_STATEMENTS } from './store/schema.js';
export { MAX_DIMENSION, MAX_NEIGHBOURS } from './store/validate.js';
export { createMemoryRepository, memoryConfigFromEnv, MEMORY_BACKENDS, type MemoryBackend, type MemoryConfig, type OpenedMemoryRepository } from './config.js';
export { cosineDistance } from './vector-math.js';
