/**
 * From model files to an engine: eagerly (loadSamEngine) or on first use (createLazySamEngine).
 */
import { LazySamModel } from './lazy-sam-model.js';
import { OnnxSamModel } from './onnx-sam-model.js';
import type { OnnxSamModelOptions } from './onnx-sam-model.js';
import { SamEngine } from './sam-engine.js';
import type { SamEngineOptions } from './sam-engine.js';

export type LoadSamEngineOptions = OnnxSamModelOptions & Omit<SamEngineOptions, 'model'>;

/**
 * Opens the ONNX encoder/decoder (OnnxSamModel.load: 'model_unavailable' /
 * 'model_invalid' on failure) and wraps them in a SamEngine.
 */
export async function loadSamEngine(options: LoadSamEngineOptions = {}): Promise<SamEngine> {
  const model = await OnnxSamModel.load(options);
  return new SamEngine({ ...options, model });
}

/**
 * A SamEngine built synchronously whose ONNX files are opened on its first call
 * (LazySamModel): for factories that must not be async. Load errors surface then.
 */
export function createLazySamEngine(options: LoadSamEngineOptions = {}): SamEngine {
  return new SamEngine({ ...options, model: new LazySamModel(options) });
}
