/**
 * The inputs and outputs an image-embedding ONNX model must have to be a scene model,
 * checked once at load from the session's metadata (pure data, so the checks are
 * testable without a model). The layout is that of CLIP's image encoder as Hugging Face
 * exports it (CLIPVisionModelWithProjection): one input `pixel_values` float32
 * [N, 3, H, W] and an output `image_embeds` float32 [N, D].
 */
import { SceneModelError } from './scene-model.js';

/** The part of onnxruntime's InferenceSession.ValueMetadata the checks read. */
export interface ValueMeta {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  /** Numbers are fixed dims, strings symbolic ones; empty = unknown shape. */
  readonly shape?: ReadonlyArray<number | string>;
}

export const SCENE_MODEL_INPUT = 'pixel_values';
export const DEFAULT_SCENE_MODEL_OUTPUT = 'image_embeds';
/** The longest vector a scene may have (contracts' SceneFeaturesSchema: the analyse result carries it). */
export const MAX_SCENE_DIMENSION = 4096;

export interface SceneModelLayout {
  /** S of the [N, 3, S, S] input: the model's own when fixed, else the configured size. */
  readonly inputSize: number;
  /** Whether the model fixes S (then a configured size is not used). */
  readonly sizeFromModel: boolean;
  readonly outputName: string;
  /** D of the [N, D] output when fixed, else undefined (checked on the first run). */
  readonly dimension: number | undefined;
}

/**
 * Validates the metadata; throws SceneModelError 'model_invalid' naming the tensor at
 * fault. `size` is used only when the model's H and W are symbolic.
 */
export function checkSceneModelLayout(
  meta: { readonly inputs: readonly ValueMeta[]; readonly outputs: readonly ValueMeta[] },
  options: { readonly outputName: string; readonly size: number },
): SceneModelLayout {
  const input = meta.inputs.find((m) => m.name === SCENE_MODEL_INPUT);
  if (!input) throw missing('input', SCENE_MODEL_INPUT, meta.inputs);
  const others = meta.inputs.filter((m) => m !== input);
  // A whole CLIP (text + image, e.g. optimum-cli's default export) also wants input_ids: we could not feed it.
  if (others.length > 0) throw invalid(`scene model takes inputs ${others.map((m) => `"${m.name}"`).join(', ')} besides "${SCENE_MODEL_INPUT}": export the image encoder alone (libs/memory README)`);
  const inShape = floatShape(input, 'input');
  if (inShape.length !== 4) throw invalid(`scene model input "${input.name}" has shape ${formatDims(inShape)}, expected 4 dims [N, 3, H, W]`);
  const [batch, channels, height, width] = inShape;
  if (!fitsOne(batch) || (typeof channels === 'number' && channels !== 3)) {
    throw invalid(`scene model input "${input.name}" has shape ${formatDims(inShape)}, expected [N, 3, H, W] with N = 1 or symbolic`);
  }
  if (typeof height === 'number' && typeof width === 'number' && height !== width) {
    throw invalid(`scene model input "${input.name}" must be square (CLIP's centre crop), got ${formatDims(inShape)}`);
  }
  const fixed = typeof height === 'number' ? height : typeof width === 'number' ? width : undefined;
  if (fixed !== undefined && fixed < 1) throw invalid(`scene model input "${input.name}" has shape ${formatDims(inShape)}`);

  const output = meta.outputs.find((m) => m.name === options.outputName);
  if (!output) throw missing('output', options.outputName, meta.outputs);
  const outShape = floatShape(output, 'output');
  if (outShape.length !== 2 || !fitsOne(outShape[0])) throw invalid(`scene model output "${output.name}" has shape ${formatDims(outShape)}, expected 2 dims [N, D]`);
  const dimension = typeof outShape[1] === 'number' ? outShape[1] : undefined;
  if (dimension !== undefined) checkDimension(dimension, output.name);
  return { inputSize: fixed ?? options.size, sizeFromModel: fixed !== undefined, outputName: output.name, dimension };
}

/** D must fit the analyse result (and be a vector at all). */
export function checkDimension(dimension: number, outputName: string): void {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_SCENE_DIMENSION) {
    throw invalid(`scene model output "${outputName}" has ${dimension} numbers per image, expected 1–${MAX_SCENE_DIMENSION}`);
  }
}

/** A batch dim we can fill with one image: 1 or symbolic. */
function fitsOne(dim: number | string | undefined): boolean {
  return typeof dim === 'string' || dim === 1 || dim === -1;
}

function floatShape(meta: ValueMeta, kind: 'input' | 'output'): ReadonlyArray<number | string> {
  if (!meta.isTensor || (meta.type !== undefined && meta.type !== 'float32')) {
    throw invalid(`scene model ${kind} "${meta.name}" must be a float32 tensor (got ${meta.isTensor ? meta.type : 'a non-tensor'})`);
  }
  return meta.shape ?? [];
}

function missing(kind: string, name: string, present: readonly ValueMeta[]): SceneModelError {
  return invalid(`scene model has no ${kind} named "${name}" (its ${kind}s: ${present.map((m) => m.name).join(', ') || 'none'})`);
}

function formatDims(dims: ReadonlyArray<number | string>): string {
  return `[${dims.join(', ')}]`;
}

function invalid(message: string): SceneModelError {
  return new SceneModelError('model_invalid', message);
}
