/**
 * The scene model of `analyse` (README: Scene features): with PERTOUCH_SCENE_MODEL, an
 * image-embedding ONNX model (libs/memory OnnxSceneModel) loaded once at start-up — so a
 * bad model stops the worker with one clear line instead of failing every analyse job —
 * and shared by every job; without it, undefined (the embedded descriptor).
 */
import { EnvConfigError } from '@pertouch/contracts';
import { OnnxSceneModel, SceneModelError, type SceneModel } from '@pertouch/memory';
import type { GpuWorkerConfig } from './config.js';
import type { Logger } from './worker.js';

/** Loads and checks the configured scene model; throws a ConfigError naming PERTOUCH_SCENE_MODEL when it is missing or not a scene model. */
export async function loadSceneModel(config: Pick<GpuWorkerConfig, 'sceneModel'>, log?: Logger): Promise<SceneModel | undefined> {
  const settings = config.sceneModel;
  if (!settings) return undefined;
  const started = performance.now();
  let model: OnnxSceneModel;
  try {
    model = await OnnxSceneModel.load({ path: settings.path, name: settings.name, outputName: settings.outputName, size: settings.size });
  } catch (error) {
    if (error instanceof SceneModelError || error instanceof RangeError) throw new EnvConfigError([`PERTOUCH_SCENE_MODEL: ${error.message}`]);
    throw error;
  }
  log?.({
    event: 'scene_model.loaded',
    kind: model.kind,
    path: model.path,
    sha256: model.sha256,
    inputSize: model.inputSize,
    dimension: model.dimension ?? null,
    output: model.layout.outputName,
    ms: Math.round(performance.now() - started),
  });
  return model;
}
