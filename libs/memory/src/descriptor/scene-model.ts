/**
 * F(image) from an image-embedding model instead of the embedded descriptor (libs/memory
 * README: "The ONNX scene model"). The port a service codes against; `OnnxSceneModel` is
 * the implementation. Its vectors carry their own kind, so they are only ever compared
 * with vectors of the same model.
 */
import type { FloatRgbImage, RgbImage } from '@pertouch/imaging';
import type { SceneFeatures } from '../ports.js';
import { sceneLabels, type SceneRegion } from './describe-scene.js';

/** Why a scene model cannot be used: the file is missing/unreadable, or it is not a model we can run. */
export type SceneModelErrorCode = 'model_unavailable' | 'model_invalid';

export class SceneModelError extends Error {
  override readonly name = 'SceneModelError';
  constructor(
    readonly code: SceneModelErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SceneModel {
  /** The feature kind of its vectors, e.g. "onnx:clip-vit-b32@1a2b3c4d5e6f". */
  readonly kind: string;
  /** Side of the square the model looks at (224 for CLIP ViT-B/32). */
  readonly inputSize: number;
  /** The embedding's dimension when the model declares it, else undefined until the first run. */
  readonly dimension: number | undefined;
  /** The L2-normalised embedding of an upright RGB image (8 or 16 bit, or floats on 0..255). */
  embed(image: RgbImage | FloatRgbImage): Promise<Float32Array>;
  /** Releases the model's sessions. Idempotent. */
  close(): Promise<void>;
}

/**
 * F(image) by a scene model: its embedding as the vector, and the segmentation's distinct
 * labels as the scene's labels (the estimate's per-label values need them, whatever made
 * the vector).
 */
export async function describeWithModel(model: SceneModel, image: RgbImage | FloatRgbImage, regions: readonly SceneRegion[]): Promise<SceneFeatures> {
  return { kind: model.kind, vector: await model.embed(image), labels: sceneLabels(regions) };
}
