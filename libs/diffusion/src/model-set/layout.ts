/**
 * Checks the four sessions' input/output metadata against the model set (spec.ts) once at
 * load, so a wrong export fails with a message naming the model and the tensor rather than
 * deep inside a run. Pure data: testable without onnxruntime.
 */
import { DiffusionError } from '../errors.js';
import {
  CONTROLNET_DOWN_RESIDUALS,
  DOWN_RESIDUAL_SIDES,
  FLOAT_DTYPE,
  IMAGE_DIMS,
  LATENT_DIMS,
  MAP_DIMS,
  MID_RESIDUAL_SIDE,
  MODEL_LABEL,
  TENSOR_NAMES,
  TEXT_TOKENS,
  TIMESTEP_DTYPES,
  UNET_DOWN_RESIDUALS,
  type ModelRole,
  type Precision,
  type TensorDtype,
} from './spec.js';

/** The part of onnxruntime's InferenceSession.ValueMetadata the checks read. */
export interface ValueMeta {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  /** Numbers are fixed dims, strings symbolic ones; empty = unknown shape. */
  readonly shape?: ReadonlyArray<number | string>;
}

export interface ModelMeta {
  readonly inputs: readonly ValueMeta[];
  readonly outputs: readonly ValueMeta[];
}

export type ModelSetMeta = Readonly<Record<ModelRole, ModelMeta>>;

/** What the pipeline needs to know to feed the sessions. */
export interface ModelSetLayout {
  /** The float type of every image, latent, map, text and residual tensor. */
  readonly floatDtype: 'float32' | 'float16';
  /** The ControlNet's and the UNet's `timestep` type and rank ([] or [1]). */
  readonly timestep: Readonly<Record<'controlnet' | 'unet', { readonly dtype: TensorDtype; readonly dims: readonly number[] }>>;
  /** Width of the text embedding (1024 for SD 2.1). */
  readonly textHidden: number;
}

type Dims = readonly (number | undefined)[];

/**
 * Validates every model against the spec for `precision` and the empty-prompt embedding's
 * dims ([1, 77, H]); throws 'model_invalid' naming the first mismatch.
 */
export function checkModelSetLayout(meta: ModelSetMeta, precision: Precision, embeddingDims: readonly number[]): ModelSetLayout {
  const float = FLOAT_DTYPE[precision];
  if (embeddingDims.length !== 3 || embeddingDims[0] !== 1 || embeddingDims[1] !== TEXT_TOKENS) {
    throw invalid(`the empty-prompt embedding has shape ${format(embeddingDims)}, expected [1, ${TEXT_TOKENS}, hidden]`);
  }
  const hidden = embeddingDims[2];
  const text: Dims = [1, TEXT_TOKENS, hidden];

  const enc = TENSOR_NAMES.vaeEncoder, dec = TENSOR_NAMES.vaeDecoder, cn = TENSOR_NAMES.controlnet, un = TENSOR_NAMES.unet;
  expectExactly(meta, 'vaeEncoder', 'input', [enc.input]);
  expectTensor(meta, 'vaeEncoder', 'input', enc.input, float, IMAGE_DIMS);
  expectTensor(meta, 'vaeEncoder', 'output', enc.output, float, LATENT_DIMS);
  expectExactly(meta, 'vaeDecoder', 'input', [dec.input]);
  expectTensor(meta, 'vaeDecoder', 'input', dec.input, float, LATENT_DIMS);
  expectTensor(meta, 'vaeDecoder', 'output', dec.output, float, IMAGE_DIMS);

  expectExactly(meta, 'controlnet', 'input', [cn.sample, cn.timestep, cn.encoderHiddenStates, cn.controlnetCond, cn.originalImageLatent]);
  expectTensor(meta, 'controlnet', 'input', cn.sample, float, LATENT_DIMS);
  expectTensor(meta, 'controlnet', 'input', cn.encoderHiddenStates, float, text);
  expectTensor(meta, 'controlnet', 'input', cn.controlnetCond, float, MAP_DIMS);
  expectTensor(meta, 'controlnet', 'input', cn.originalImageLatent, float, LATENT_DIMS);
  const controlnetTimestep = timestepOf(meta, 'controlnet');
  const residuals = [...CONTROLNET_DOWN_RESIDUALS, cn.midResidual].map((name, i) => expectTensor(meta, 'controlnet', 'output', name, float, residualDims(i)));

  expectExactly(meta, 'unet', 'input', [un.sample, un.timestep, un.encoderHiddenStates, ...UNET_DOWN_RESIDUALS, un.midResidual]);
  expectTensor(meta, 'unet', 'input', un.sample, float, LATENT_DIMS);
  expectTensor(meta, 'unet', 'input', un.encoderHiddenStates, float, text);
  const unetTimestep = timestepOf(meta, 'unet');
  [...UNET_DOWN_RESIDUALS, un.midResidual].forEach((name, i) => {
    const produced = residuals[i];
    const accepted = expectTensor(meta, 'unet', 'input', name, float, residualDims(i));
    const a = accepted.shape?.[1], p = produced.shape?.[1];
    if (typeof a === 'number' && typeof p === 'number' && a !== p) {
      throw invalid(`unet input "${name}" has shape ${format(accepted.shape ?? [])} but controlnet output "${produced.name}" is ${format(produced.shape ?? [])}: the residual channels differ`);
    }
  });
  expectTensor(meta, 'unet', 'output', un.output, float, LATENT_DIMS);
  return { floatDtype: float, timestep: { controlnet: controlnetTimestep, unet: unetTimestep }, textHidden: hidden };
}

/** [1, any channels, side, side] of residual i (0..11 down, 12 mid). */
function residualDims(i: number): Dims {
  const side = i < DOWN_RESIDUAL_SIDES.length ? DOWN_RESIDUAL_SIDES[i] : MID_RESIDUAL_SIDE;
  return [1, undefined, side, side];
}

function timestepOf(meta: ModelSetMeta, role: 'controlnet' | 'unet'): { dtype: TensorDtype; dims: number[] } {
  const name = TENSOR_NAMES[role].timestep;
  const value = find(meta, role, 'input', name);
  if (!value.isTensor || !TIMESTEP_DTYPES.includes(value.type as TensorDtype)) {
    throw invalid(`${MODEL_LABEL[role]} input "${name}" is ${describeType(value)}, expected ${TIMESTEP_DTYPES.join(', ')}`);
  }
  const shape = value.shape ?? [1];
  if (shape.length > 1 || (shape.length === 1 && typeof shape[0] === 'number' && shape[0] !== 1)) {
    throw invalid(`${MODEL_LABEL[role]} input "${name}" has shape ${format(shape)}, expected [1] or a scalar`);
  }
  return { dtype: value.type as TensorDtype, dims: shape.length === 0 ? [] : [1] };
}

function find(meta: ModelSetMeta, role: ModelRole, kind: 'input' | 'output', name: string): ValueMeta {
  const list = kind === 'input' ? meta[role].inputs : meta[role].outputs;
  const value = list.find((m) => m.name === name);
  if (!value) throw invalid(`${MODEL_LABEL[role]} has no ${kind} named "${name}" (its ${kind}s: ${list.map((m) => m.name).join(', ') || 'none'})`);
  return value;
}

/** Every name in `names` is present, and nothing else the pipeline would not know how to feed. */
function expectExactly(meta: ModelSetMeta, role: ModelRole, kind: 'input', names: readonly string[]): void {
  for (const name of names) find(meta, role, kind, name);
  const extra = meta[role].inputs.find((m) => !names.includes(m.name));
  if (extra) throw invalid(`${MODEL_LABEL[role]} has an input named "${extra.name}" that the model set does not define (expected: ${names.join(', ')})`);
}

/**
 * A tensor of `dtype` whose rank is expected.length and whose fixed dims match where the
 * model and `expected` both fix them (undefined = any, symbolic = any). Returns its meta.
 */
function expectTensor(meta: ModelSetMeta, role: ModelRole, kind: 'input' | 'output', name: string, dtype: string, expected: Dims): ValueMeta {
  const value = find(meta, role, kind, name);
  const label = `${MODEL_LABEL[role]} ${kind} "${name}"`;
  if (!value.isTensor || value.type !== dtype) throw invalid(`${label} is ${describeType(value)}, expected ${dtype}`);
  const shape = value.shape ?? [];
  if (shape.length === 0) return value;
  const ok = shape.length === expected.length && expected.every((e, i) => e === undefined || typeof shape[i] !== 'number' || shape[i] === e);
  if (!ok) throw invalid(`${label} has shape ${format(shape)}, expected ${format(expected.map((e) => e ?? '?'))}`);
  return value;
}

function describeType(value: ValueMeta): string {
  return value.isTensor ? (value.type ?? 'of unknown type') : 'not a tensor';
}

function format(dims: readonly (number | string | undefined)[]): string {
  return `[${dims.join(', ')}]`;
}

function invalid(message: string): DiffusionError {
  return new DiffusionError('model_invalid', message);
}
