/**
 * One place that turns configuration (environment variables) into a ready engine, for
 * the CLI and the segmenter service alike.
 *
 * - `embedded`: the optional models found in PERTOUCH_MODELS_DIR (default
 *   ~/.cache/pertouch/models; fetched by `npm run models`), narrowed by PERTOUCH_MODELS
 *   ("isnet,selfie,…", or "none").
 * - `sam`: the ONNX encoder/decoder from PERTOUCH_SAM_DIR (or PERTOUCH_SAM_ENCODER /
 *   PERTOUCH_SAM_DECODER), loaded and checked now; its regions are labelled with the
 *   same optional models.
 */
import { SegmentationError } from './errors.js';
import { createEmbeddedEngine } from './embedded/engine.js';
import { loadDetectors } from './models/load-detectors.js';
import { loadSamEngine } from './sam/load-sam-engine.js';
import type { SegmentationEngine, ThingDetector } from './types.js';

export const ENGINE_NAMES = ['embedded', 'sam'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

type Env = Readonly<Record<string, string | undefined>>;

export function isEngineName(name: string): name is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(name);
}

/** The models PERTOUCH_MODELS selects: undefined = every one present, [] = none. */
export function selectedModels(env: Env): string[] | undefined {
  const value = env.PERTOUCH_MODELS?.trim();
  if (!value) return undefined;
  if (value === 'none') return [];
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** The optional models the environment selects, and the labels missing without the others. */
export async function loadEngineModels(env: Env = process.env): Promise<{ detectors: ThingDetector[]; unavailable: string[] }> {
  const only = selectedModels(env);
  if (only?.length === 0) return { detectors: [], unavailable: [] };
  const { detectors, unavailable } = await loadDetectors({ modelsDir: env.PERTOUCH_MODELS_DIR || undefined, only });
  return { detectors, unavailable: unavailable.flatMap((u) => u.labels) };
}

export async function createEngine(name: string, env: Env = process.env): Promise<SegmentationEngine> {
  if (!isEngineName(name)) throw new SegmentationError('model_unavailable', `unknown engine "${name}" (engines: ${ENGINE_NAMES.join(', ')})`);
  // Both engines name regions with the same optional models.
  const models = await loadEngineModels(env);
  if (name === 'sam') return loadSamEngine({ env, ...models });
  return createEmbeddedEngine(models);
}
