/**
 * SamModel on onnxruntime-node (CPU): opens `<dir>/encoder.onnx` and `<dir>/decoder.onnx`
 * (or explicit paths), checks their names and shapes at load (onnx-layout.ts), then runs
 * the encoder once per image and the decoder once per prompt set.
 *
 * Paths, first found wins: options.encoderPath / options.decoderPath, the env vars
 * PERTOUCH_SAM_ENCODER / PERTOUCH_SAM_DECODER, then options.dir or PERTOUCH_SAM_DIR
 * joined with encoder.onnx / decoder.onnx.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { SegmentationError } from '../errors.js';
import { upsampleLowResMask } from './mask-upsample.js';
import { LOW_RES_MASKS, checkSamLayout } from './onnx-layout.js';
import type { SamOnnxLayout, ValueMeta } from './onnx-layout.js';
import { resizedSizeOf } from './preprocess.js';
import type { SamDecodeTarget, SamDecoderPrompt, SamDecoderResult, SamEmbedding, SamModel } from './sam-model.js';

export const ENCODER_FILE = 'encoder.onnx';
export const DECODER_FILE = 'decoder.onnx';
/** Directory holding encoder.onnx and decoder.onnx. */
export const SAM_DIR_ENV = 'PERTOUCH_SAM_DIR';
/** Explicit encoder path (overrides the directory). */
export const SAM_ENCODER_ENV = 'PERTOUCH_SAM_ENCODER';
/** Explicit decoder path (overrides the directory). */
export const SAM_DECODER_ENV = 'PERTOUCH_SAM_DECODER';

export interface OnnxSamModelOptions {
  /** Directory with encoder.onnx and decoder.onnx (default: $PERTOUCH_SAM_DIR). */
  readonly dir?: string;
  readonly encoderPath?: string;
  readonly decoderPath?: string;
  /** Environment to read the PERTOUCH_SAM_* variables from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Passed to both onnxruntime sessions (threads, graph optimisation…). */
  readonly sessionOptions?: InferenceSession.SessionOptions;
  /**
   * Which decoder output masks come from. 'low_res_masks' (default when the decoder has
   * it): SAM's post-processing is done here, for the chosen mask only, and the decoder is
   * given a small orig_im_size so it does not upscale every mask to full size (see
   * mask-upsample.ts; also immune to exports whose crop size was frozen at trace time).
   * 'masks': the decoder's own full-size masks.
   */
  readonly maskSource?: 'low_res_masks' | 'masks';
}

/** orig_im_size's longest side when masks come from low_res_masks: the decoder's `masks` is then unused, so keep it small. */
const UNUSED_MASKS_SIDE = 64;

export interface SamModelPaths {
  readonly encoderPath: string;
  readonly decoderPath: string;
}

/** Where the encoder and decoder are; throws 'model_unavailable' when nothing says. */
export function resolveSamModelPaths(options: OnnxSamModelOptions = {}): SamModelPaths {
  const env = options.env ?? process.env;
  const dir = options.dir ?? env[SAM_DIR_ENV];
  const encoderPath = options.encoderPath ?? env[SAM_ENCODER_ENV] ?? (dir ? join(dir, ENCODER_FILE) : undefined);
  const decoderPath = options.decoderPath ?? env[SAM_DECODER_ENV] ?? (dir ? join(dir, DECODER_FILE) : undefined);
  if (!encoderPath || !decoderPath) {
    throw new SegmentationError('model_unavailable', `no SAM model configured: set ${SAM_DIR_ENV} to a directory with ${ENCODER_FILE} and ${DECODER_FILE} (see docs/sam.md)`);
  }
  return { encoderPath, decoderPath };
}

export class OnnxSamModel implements SamModel {
  readonly inputSide: number;
  private readonly zeroMask: Tensor;
  private readonly noMask = new Tensor('float32', new Float32Array(1), [1]);
  /** Whether masks come from low_res_masks (see OnnxSamModelOptions.maskSource). */
  readonly usesLowResMasks: boolean;

  private constructor(
    private readonly encoder: InferenceSession,
    private readonly decoder: InferenceSession,
    readonly layout: SamOnnxLayout,
    readonly paths: SamModelPaths,
    maskSource: OnnxSamModelOptions['maskSource'],
  ) {
    this.inputSide = layout.inputSide;
    this.usesLowResMasks = layout.hasLowResMasks && maskSource !== 'masks';
    const dims = layout.maskInputDims;
    this.zeroMask = new Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  }

  /**
   * Opens and checks both models. 'model_unavailable' when a file is missing or
   * unreadable; 'model_invalid' when onnxruntime cannot load it or a name/shape differs.
   */
  static async load(options: OnnxSamModelOptions = {}): Promise<OnnxSamModel> {
    const paths = resolveSamModelPaths(options);
    await assertReadable(paths.encoderPath, 'encoder');
    await assertReadable(paths.decoderPath, 'decoder');
    const encoder = await openSession(paths.encoderPath, 'encoder', options.sessionOptions);
    let decoder: InferenceSession;
    try {
      decoder = await openSession(paths.decoderPath, 'decoder', options.sessionOptions);
    } catch (error) {
      await encoder.release();
      throw error;
    }
    try {
      const layout = checkSamLayout(
        { inputs: metadataOf(encoder, 'input'), outputs: metadataOf(encoder, 'output') },
        { inputs: metadataOf(decoder, 'input'), outputs: metadataOf(decoder, 'output') },
      );
      if (options.maskSource === 'low_res_masks' && !layout.hasLowResMasks) {
        throw new SegmentationError('model_invalid', `decoder has no output named "${LOW_RES_MASKS}" (maskSource 'low_res_masks')`);
      }
      return new OnnxSamModel(encoder, decoder, layout, paths, options.maskSource);
    } catch (error) {
      await Promise.all([encoder.release(), decoder.release()]);
      throw error;
    }
  }

  async encode(input: Float32Array): Promise<SamEmbedding> {
    const side = this.inputSide;
    if (input.length !== 3 * side * side) throw new SegmentationError('invalid_image', `encoder input must hold 3×${side}×${side} values`);
    const out = await this.encoder.run({ [this.layout.encoderInput]: new Tensor('float32', input, [1, 3, side, side]) });
    const embedding = out[this.layout.encoderOutput];
    return { data: embedding.data as Float32Array, dims: embedding.dims };
  }

  async decode(embedding: SamEmbedding, prompt: SamDecoderPrompt, target: SamDecodeTarget): Promise<SamDecoderResult> {
    const { coords, labels } = this.padPoints(prompt);
    const n = labels.length;
    const output = target.output;
    const origSize = this.usesLowResMasks ? resizedSizeOf(output.width, output.height, Math.min(UNUSED_MASKS_SIDE, Math.max(output.width, output.height))) : output;
    const maskName = this.usesLowResMasks ? LOW_RES_MASKS : 'masks';
    const out = await this.decoder.run(
      {
        image_embeddings: new Tensor('float32', embedding.data, embedding.dims),
        point_coords: new Tensor('float32', coords, [1, n, 2]),
        point_labels: new Tensor('float32', labels, [1, n]),
        mask_input: this.zeroMask,
        has_mask_input: this.noMask,
        orig_im_size: new Tensor('float32', new Float32Array([origSize.height, origSize.width]), [2]),
      },
      [maskName, 'iou_predictions'],
    );
    const masks = out[maskName];
    const data = masks.data as Float32Array;
    const scores = out.iou_predictions.data as Float32Array;
    const [, maskCount, height, width] = masks.dims;
    const expected = this.usesLowResMasks ? { width, height } : output;
    if (masks.dims.length !== 4 || scores.length !== maskCount || width !== expected.width || height !== expected.height) {
      throw new SegmentationError('model_invalid', `decoder returned ${maskName} ${JSON.stringify(masks.dims)} and iou_predictions ${JSON.stringify(out.iou_predictions.dims)} for output ${output.width}×${output.height}`);
    }
    const plane = width * height;
    const inputSide = this.inputSide;
    return {
      maskCount,
      width: output.width,
      height: output.height,
      scores,
      maskLogits: (index: number) => {
        if (!Number.isInteger(index) || index < 0 || index >= maskCount) throw new RangeError(`mask index ${index} is not in 0..${maskCount - 1}`);
        return this.usesLowResMasks
          ? upsampleLowResMask(data, index * plane, { width, height }, inputSide, target.frame, output)
          : data.subarray(index * plane, (index + 1) * plane);
      },
    };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }

  /** Pads a prompt with (0, 0, label -1) points up to an export's fixed point count. */
  private padPoints(prompt: SamDecoderPrompt): SamDecoderPrompt {
    const fixed = this.layout.fixedPointCount;
    const n = prompt.labels.length;
    if (fixed === undefined || fixed === n) return prompt;
    if (n > fixed) throw new SegmentationError('invalid_prompt', `this decoder takes at most ${fixed} points (prompt has ${n} with padding)`);
    const coords = new Float32Array(fixed * 2);
    coords.set(prompt.coords);
    const labels = new Float32Array(fixed).fill(-1);
    labels.set(prompt.labels);
    return { coords, labels };
  }
}

async function assertReadable(path: string, what: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new SegmentationError('model_unavailable', `SAM ${what} not found at ${path} (see docs/sam.md)`);
  }
}

async function openSession(path: string, what: string, options: InferenceSession.SessionOptions | undefined): Promise<InferenceSession> {
  try {
    return await InferenceSession.create(path, options ?? {});
  } catch (error) {
    throw new SegmentationError('model_invalid', `SAM ${what} at ${path} could not be loaded: ${(error as Error).message}`);
  }
}

function metadataOf(session: InferenceSession, kind: 'input' | 'output'): ValueMeta[] {
  const metas = kind === 'input' ? session.inputMetadata : session.outputMetadata;
  return metas.map((m) => (m.isTensor ? { name: m.name, isTensor: true, type: m.type, shape: m.shape } : { name: m.name, isTensor: false }));
}
