/**
 * The input/output layout a SAM-style ONNX export must have, checked once at load from
 * the sessions' metadata (pure data, so the checks are testable without a model).
 *
 * Encoder (`encoder.onnx`): one float32 input named `image`, `input_image` (samexporter)
 * or `images`, shaped [1, 3, S, S] (S = 1024 for SAM/MobileSAM; a symbolic S is taken as
 * 1024) — normalised, padded RGB as preprocess.ts writes it; one float32 output named
 * `image_embeddings` or `embeddings`, shaped [1, C, h, w] (C = 256, h = w = 64).
 *
 * Decoder (`decoder.onnx`, segment-anything's scripts/export_onnx_model.py): inputs
 * image_embeddings [1, C, h, w], point_coords [1, N, 2], point_labels [1, N],
 * mask_input [1, 1, 4h, 4w], has_mask_input [1], orig_im_size [2]; outputs
 * masks [1, M, H, W] and iou_predictions [1, M], and usually low_res_masks [1, M, 4h, 4w]
 * (used when present: see mask-upsample.ts).
 */
import { SegmentationError } from '../errors.js';

/** The part of onnxruntime's InferenceSession.ValueMetadata the checks read. */
export interface ValueMeta {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  /** Numbers are fixed dims, strings symbolic ones; empty = unknown shape. */
  readonly shape?: ReadonlyArray<number | string>;
}

export const ENCODER_INPUT_NAMES = ['image', 'input_image', 'images'] as const;
export const ENCODER_OUTPUT_NAMES = ['image_embeddings', 'embeddings'] as const;
export const DECODER_INPUT_NAMES = ['image_embeddings', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input', 'orig_im_size'] as const;
export const DECODER_OUTPUT_NAMES = ['masks', 'iou_predictions'] as const;
/** The decoder's optional low-resolution logits output. */
export const LOW_RES_MASKS = 'low_res_masks';
/** The input side assumed when the encoder's spatial dims are symbolic. */
export const DEFAULT_INPUT_SIDE = 1024;

export interface SamOnnxLayout {
  readonly encoderInput: string;
  readonly encoderOutput: string;
  /** S of the encoder's [1, 3, S, S] input. */
  readonly inputSide: number;
  /** mask_input's [1, 1, mh, mw]: the zero mask fed when no mask prompt is given. */
  readonly maskInputDims: readonly number[];
  /** N of point_coords when the export fixed it (prompts are padded up to it), else undefined. */
  readonly fixedPointCount: number | undefined;
  /** Whether the decoder has the optional `low_res_masks` output. */
  readonly hasLowResMasks: boolean;
}

type Dims = ReadonlyArray<number | string>;

/** Validates both sessions' metadata; throws 'model_invalid' naming the first mismatch. */
export function checkSamLayout(encoder: { inputs: readonly ValueMeta[]; outputs: readonly ValueMeta[] }, decoder: { inputs: readonly ValueMeta[]; outputs: readonly ValueMeta[] }): SamOnnxLayout {
  const encIn = findOne(encoder.inputs, ENCODER_INPUT_NAMES, 'encoder', 'input');
  const encOut = findOne(encoder.outputs, ENCODER_OUTPUT_NAMES, 'encoder', 'output');
  const inShape = shapeOf(encIn);
  if (inShape.length === 3) {
    throw invalid(`encoder input "${encIn.name}" is [H, W, 3] (exported with preprocessing inside, samexporter --use-preprocess); export it without, as [1, 3, 1024, 1024]`);
  }
  expectDims('encoder', encIn, [1, 3, undefined, undefined]);
  const side = typeof inShape[2] === 'number' ? inShape[2] : typeof inShape[3] === 'number' ? inShape[3] : DEFAULT_INPUT_SIDE;
  if (typeof inShape[2] === 'number' && typeof inShape[3] === 'number' && inShape[2] !== inShape[3]) {
    throw invalid(`encoder input "${encIn.name}" must be square, got ${formatDims(inShape)}`);
  }
  expectDims('encoder', encOut, [1, undefined, undefined, undefined]);

  const byName = new Map(decoder.inputs.map((m) => [m.name, m]));
  for (const name of DECODER_INPUT_NAMES) if (!byName.has(name)) throw missing('decoder', 'input', name, decoder.inputs);
  const outNames = new Set(decoder.outputs.map((m) => m.name));
  for (const name of DECODER_OUTPUT_NAMES) if (!outNames.has(name)) throw missing('decoder', 'output', name, decoder.outputs);

  const embedding = byName.get('image_embeddings')!;
  expectDims('decoder', embedding, shapeOf(encOut).map((d) => (typeof d === 'number' ? d : undefined)));
  const coords = byName.get('point_coords')!;
  expectDims('decoder', coords, [1, undefined, 2]);
  expectDims('decoder', byName.get('point_labels')!, [1, undefined]);
  const maskInput = byName.get('mask_input')!;
  expectDims('decoder', maskInput, [1, 1, undefined, undefined]);
  expectDims('decoder', byName.get('has_mask_input')!, [1]);
  expectDims('decoder', byName.get('orig_im_size')!, [2]);
  expectDims('decoder', decoder.outputs.find((m) => m.name === 'masks')!, [1, undefined, undefined, undefined]);
  expectDims('decoder', decoder.outputs.find((m) => m.name === 'iou_predictions')!, [1, undefined]);
  const lowResMasks = decoder.outputs.find((m) => m.name === LOW_RES_MASKS);
  if (lowResMasks) expectDims('decoder', lowResMasks, [1, undefined, undefined, undefined]);

  const embShape = shapeOf(encOut);
  const maskShape = shapeOf(maskInput);
  const lowRes = (axis: number) => (typeof maskShape[axis] === 'number' ? maskShape[axis] : typeof embShape[axis] === 'number' ? 4 * embShape[axis] : 256);
  const pointCount = shapeOf(coords)[1];
  return {
    encoderInput: encIn.name,
    encoderOutput: encOut.name,
    inputSide: side,
    maskInputDims: [1, 1, lowRes(2), lowRes(3)],
    fixedPointCount: typeof pointCount === 'number' ? pointCount : undefined,
    hasLowResMasks: lowResMasks !== undefined,
  };
}

function findOne(metas: readonly ValueMeta[], names: readonly string[], model: string, kind: string): ValueMeta {
  const found = names.map((n) => metas.find((m) => m.name === n)).find((m) => m !== undefined);
  if (!found) throw missing(model, kind, names.join('" or "'), metas);
  return found;
}

function missing(model: string, kind: string, name: string, present: readonly ValueMeta[]): SegmentationError {
  return invalid(`${model} has no ${kind} named "${name}" (its ${kind}s: ${present.map((m) => m.name).join(', ') || 'none'})`);
}

/**
 * Checks a float32 tensor of rank expected.length whose fixed dims match where both the
 * model and `expected` fix them (undefined = any). An unknown shape passes.
 */
function expectDims(model: string, meta: ValueMeta, expected: ReadonlyArray<number | undefined>): void {
  if (!meta.isTensor || (meta.type !== undefined && meta.type !== 'float32')) {
    throw invalid(`${model} ${meta.name} must be a float32 tensor (got ${meta.isTensor ? meta.type : 'a non-tensor'})`);
  }
  const shape = shapeOf(meta);
  if (shape.length === 0) return;
  const ok = shape.length === expected.length && expected.every((e, i) => e === undefined || typeof shape[i] !== 'number' || shape[i] === e);
  if (!ok) throw invalid(`${model} ${meta.name} has shape ${formatDims(shape)}, expected ${formatDims(expected.map((e) => e ?? '?'))}`);
}

function shapeOf(meta: ValueMeta): Dims {
  return meta.shape ?? [];
}

function formatDims(dims: Dims): string {
  return `[${dims.join(', ')}]`;
}

function invalid(message: string): SegmentationError {
  return new SegmentationError('model_invalid', message);
}
