/**
 * A SamModel that opens the ONNX files on first use, so an engine can be built
 * synchronously (e.g. by a service's engine factory) and pay the load only when a job
 * needs SAM. Load errors ('model_unavailable' / 'model_invalid') surface on that first
 * call; a failed load is retried on the next call.
 */
import { SegmentationError } from '../errors.js';
import { OnnxSamModel } from './onnx-sam-model.js';
import type { OnnxSamModelOptions } from './onnx-sam-model.js';
import { SAM_INPUT_SIDE } from './preprocess.js';
import type { SamDecodeTarget, SamDecoderPrompt, SamDecoderResult, SamEmbedding, SamModel } from './sam-model.js';

export class LazySamModel implements SamModel {
  /** Fixed before loading: every SAM export takes 1024²; another side is 'model_invalid' at load. */
  readonly inputSide = SAM_INPUT_SIDE;
  private loading: Promise<OnnxSamModel> | undefined;

  constructor(private readonly options: OnnxSamModelOptions = {}) {}

  /** The loaded model (loading it now if needed). */
  load(): Promise<OnnxSamModel> {
    this.loading ??= OnnxSamModel.load(this.options).then(
      async (model) => {
        if (model.inputSide === this.inputSide) return model;
        await model.dispose();
        throw new SegmentationError('model_invalid', `SAM encoder input side is ${model.inputSide}, expected ${this.inputSide}`);
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  async encode(input: Float32Array): Promise<SamEmbedding> {
    return (await this.load()).encode(input);
  }

  async decode(embedding: SamEmbedding, prompt: SamDecoderPrompt, target: SamDecodeTarget): Promise<SamDecoderResult> {
    return (await this.load()).decode(embedding, prompt, target);
  }

  async dispose(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (loading) await (await loading.catch(() => undefined))?.dispose();
  }
}
