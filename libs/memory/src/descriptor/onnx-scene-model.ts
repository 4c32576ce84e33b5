/**
 * A SceneModel on onnxruntime-node: an image-embedding ONNX model (CLIP's image encoder,
 * or any model with its layout: onnx-scene-layout.ts) opened once, checked at load, and
 * run once per image on CLIP-preprocessed pixels (clip-preprocess.ts). The vector is the
 * output's first row, L2-normalised, so cosine distance compares scenes as for the
 * embedded descriptor.
 */
import { access } from 'node:fs/promises';
// Types only at import time: onnxruntime-node's native binding loads on the first `load`,
// so the agent and the gateway, which import this library for its stores, never load it.
import type { InferenceSession } from 'onnxruntime-node';
import type { FloatRgbImage, RgbImage } from '@pertouch/imaging';
import { l2Normalize } from '../vector-math.js';
import { clipPixelValues, DEFAULT_SCENE_INPUT_SIZE } from './clip-preprocess.js';
import { checkDimension, checkSceneModelLayout, DEFAULT_SCENE_MODEL_OUTPUT, SCENE_MODEL_INPUT, type SceneModelLayout, type ValueMeta } from './onnx-scene-layout.js';
import { fileSha256, modelNameOfPath, SCENE_MODEL_NAME_PATTERN, sceneModelKind } from './scene-model-kind.js';
import { SceneModelError, type SceneModel } from './scene-model.js';

export interface OnnxSceneModelOptions {
  /** The .onnx file (PERTOUCH_SCENE_MODEL). */
  readonly path: string;
  /** The kind's name (PERTOUCH_SCENE_MODEL_NAME); default: the file's basename without extension. */
  readonly name?: string;
  /** The embedding output (default "image_embeds"). */
  readonly outputName?: string;
  /** The input side when the model's H and W are symbolic (default 224); a model that fixes them wins. */
  readonly size?: number;
  /** Passed to onnxruntime (threads, graph optimisation…). */
  readonly sessionOptions?: InferenceSession.SessionOptions;
}

export class OnnxSceneModel implements SceneModel {
  readonly inputSize: number;
  private checkedDimension: number | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly session: InferenceSession,
    readonly layout: SceneModelLayout,
    readonly kind: string,
    /** The model file's SHA-256 (hex), for the start-up log. */
    readonly sha256: string,
    readonly path: string,
  ) {
    this.inputSize = layout.inputSize;
    this.checkedDimension = layout.dimension;
  }

  get dimension(): number | undefined {
    return this.checkedDimension;
  }

  /**
   * Opens and checks the model. SceneModelError 'model_unavailable' when the file is
   * missing or unreadable; 'model_invalid' when onnxruntime cannot load it or its inputs
   * and outputs are not a scene model's (the message names the tensor).
   */
  static async load(options: OnnxSceneModelOptions): Promise<OnnxSceneModel> {
    const { path } = options;
    const outputName = options.outputName ?? DEFAULT_SCENE_MODEL_OUTPUT;
    const size = options.size ?? DEFAULT_SCENE_INPUT_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > 4096) throw new RangeError(`scene model input size must be an integer from 1 to 4096 (got ${size})`);
    const name = options.name ?? modelNameOfPath(path);
    if (!SCENE_MODEL_NAME_PATTERN.test(name)) throw new RangeError(`scene model name ${JSON.stringify(name)} must be 1–40 of [A-Za-z0-9._-], starting with a letter or digit`);
    try {
      await access(path);
    } catch {
      throw new SceneModelError('model_unavailable', `scene model not found at ${path}`);
    }
    // Hashing (~1 s for 350 MB) overlaps the session's own read of the file.
    const [hashed, opened] = await Promise.allSettled([fileSha256(path), openSession(path, options.sessionOptions)]);
    if (hashed.status === 'rejected') {
      if (opened.status === 'fulfilled') await opened.value.release();
      throw new SceneModelError('model_unavailable', `scene model at ${path} could not be read: ${(hashed.reason as Error).message}`);
    }
    if (opened.status === 'rejected') throw opened.reason;
    const sha256 = hashed.value;
    const session = opened.value;
    try {
      const layout = checkSceneModelLayout({ inputs: metadataOf(session.inputMetadata), outputs: metadataOf(session.outputMetadata) }, { outputName, size });
      const kind = sceneModelKind(name, sha256, { outputName: layout.outputName, configuredSize: layout.sizeFromModel ? undefined : layout.inputSize });
      return new OnnxSceneModel(session, layout, kind, sha256, path);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  async embed(image: RgbImage | FloatRgbImage): Promise<Float32Array> {
    if (this.closing) throw new Error(`scene model ${this.kind} is closed`);
    const side = this.inputSize;
    const { Tensor } = await onnxruntime();
    const pixels = new Tensor('float32', clipPixelValues(image, side), [1, 3, side, side]);
    const name = this.layout.outputName;
    const out = (await this.session.run({ [SCENE_MODEL_INPUT]: pixels }, [name]))[name];
    if (out.type !== 'float32' || out.dims.length !== 2 || out.dims[0] < 1) {
      throw new SceneModelError('model_invalid', `scene model output "${name}" came back ${out.type} ${JSON.stringify(out.dims)}, expected float32 [1, D]`);
    }
    const dimension = out.dims[1];
    checkDimension(dimension, name);
    if (this.checkedDimension !== undefined && dimension !== this.checkedDimension) {
      throw new SceneModelError('model_invalid', `scene model output "${name}" has ${dimension} numbers, expected ${this.checkedDimension}`);
    }
    this.checkedDimension = dimension;
    // The first row (we send one image), copied off onnxruntime's buffer.
    const vector = (out.data as Float32Array).slice(0, dimension);
    let squares = 0;
    for (const x of vector) squares += x * x;
    if (!Number.isFinite(squares) || squares === 0) {
      throw new SceneModelError('model_invalid', `scene model output "${name}" is ${squares === 0 ? 'all zeros' : 'not finite'}: no direction to compare`);
    }
    return l2Normalize(vector);
  }

  close(): Promise<void> {
    return (this.closing ??= this.session.release());
  }
}

let runtime: Promise<typeof import('onnxruntime-node')> | undefined;
const onnxruntime = () => (runtime ??= import('onnxruntime-node'));

async function openSession(path: string, options: InferenceSession.SessionOptions | undefined): Promise<InferenceSession> {
  try {
    const { InferenceSession } = await onnxruntime();
    return await InferenceSession.create(path, options ?? {});
  } catch (error) {
    throw new SceneModelError('model_invalid', `scene model at ${path} could not be loaded: ${(error as Error).message}`);
  }
}

function metadataOf(metas: readonly InferenceSession.ValueMetadata[]): ValueMeta[] {
  return metas.map((m) => (m.isTensor ? { name: m.name, isTensor: true, type: m.type, shape: m.shape } : { name: m.name, isTensor: false }));
}
