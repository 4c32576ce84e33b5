/**
 * PerTouch's renderer at 512² (the original's StableDiffusionControlNetPipeline with
 * prompt "", guidance_scale 0, DDIM), on the four ONNX sessions of a model set:
 *
 *   z_img = 0.18215 · VAE_enc(image)                              (the input image's latent)
 *   z_T   = noise(seed)                                           (DDIM's init_noise_sigma is 1)
 *   for t in DDIM timesteps:
 *     residuals = ControlNet(z_t, t, text(""), map, z_img)
 *     v         = UNet(z_t, t, text(""), residuals)               (PerTouch's conv_out folded in)
 *     z_{t−r}   = DDIM step(v, t, z_t)
 *   output = VAE_dec(z_0 / 0.18215)
 *
 * plus `reconstruction` = VAE_dec(z_img / 0.18215), the input through the VAE alone, which
 * the full-resolution transfer fits from (retouch.ts). Deviations from the original, on
 * purpose: the VAE encoder's export returns the latent distribution's mean where the
 * original samples it (latent_dist.sample(), whose σ is ~1e-3 of the latents' spread):
 * the same job renders the same image; and the noise is this library's generator, not
 * torch's (noise/gaussian.ts).
 *
 * Sessions are created once (load) and reused; cancellation is checked between steps;
 * a device out-of-memory releases the sessions and throws 'out_of_memory' (the caller
 * loads again and retries).
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { DiffusionError, isOutOfMemoryError } from '../errors.js';
import { gaussianNoise, DEFAULT_SEED } from '../noise/gaussian.js';
import { CONTROLNET_DOWN_RESIDUALS, IMAGE_DIMS, LATENT_DIMS, MAP_DIMS, MODEL_LABEL, TENSOR_NAMES, TEXT_TOKENS, UNET_DOWN_RESIDUALS, type ModelRole } from '../model-set/spec.js';
import { loadModelSet, type LoadModelSetOptions, type LoadedModelSet } from '../runtime/load-model-set.js';
import { floatTensor, floatValues, rawTensor, timestepTensor } from '../runtime/tensors.js';
import { DdimScheduler, DEFAULT_STEPS, assertSteps } from '../scheduler/ddim.js';

export interface StepEvent {
  /** 1-based. */
  readonly step: number;
  readonly steps: number;
  readonly timestep: number;
  /** Wall time of this step (ControlNet + UNet + scheduler). */
  readonly ms: number;
}

export interface DenoiseOptions {
  /** DDIM steps (default 50, the original's; 20 is the fast setting). */
  readonly steps?: number;
  /** Noise seed (default 42, the original's; see noise/gaussian.ts). */
  readonly seed?: number;
  /** Checked before encoding, before every step and before decoding. */
  readonly signal?: AbortSignal;
  /** Called after every step. */
  readonly onStep?: (event: StepEvent) => void;
}

export interface DenoiseTimings {
  readonly encodeMs: number;
  readonly stepMs: readonly number[];
  readonly decodeMs: number;
}

export interface DenoiseResult {
  /** The render: 3 × 512 × 512, planar, nominally [-1, 1]. */
  readonly output: Float32Array;
  /** The input through the VAE alone (same layout). */
  readonly reconstruction: Float32Array;
  readonly timings: DenoiseTimings;
}

/** What a loaded pipeline runs on (for /readyz and the logs). */
export interface PipelineInfo {
  readonly dir: string;
  readonly name: string;
  readonly provider: 'cuda' | 'cpu';
  readonly precision: 'fp32' | 'fp16';
  readonly fallbackReason: string | undefined;
  readonly textHidden: number;
}

const sizeOf = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
const LATENT_SIZE = sizeOf(LATENT_DIMS);
const IMAGE_SIZE = sizeOf(IMAGE_DIMS);
const MAP_SIZE = sizeOf(MAP_DIMS);

export class DiffusionPipeline {
  private released = false;

  private constructor(private readonly models: LoadedModelSet) {}

  /** Opens a model set (see loadModelSet: 'model_unavailable', 'model_invalid', 'provider_unavailable'). */
  static async load(options: LoadModelSetOptions): Promise<DiffusionPipeline> {
    return new DiffusionPipeline(await loadModelSet(options));
  }

  /** Wraps an already opened model set (tests substitute sessions this way). */
  static fromModelSet(models: LoadedModelSet): DiffusionPipeline {
    return new DiffusionPipeline(models);
  }

  get info(): PipelineInfo {
    const m = this.models;
    return { dir: m.dir, name: m.manifest.name, provider: m.provider, precision: m.precision, fallbackReason: m.fallbackReason, textHidden: m.layout.textHidden };
  }

  get isReleased(): boolean {
    return this.released;
  }

  /** The scaled latent of a 3 × 512 × 512 planar image in [-1, 1]: vaeScalingFactor · VAE_enc(image). */
  async encode(image: Float32Array): Promise<Float32Array> {
    if (image.length !== IMAGE_SIZE) throw new DiffusionError('invalid_input', `the image must hold 3 × 512 × 512 values (got ${image.length})`);
    const { layout, manifest } = this.models;
    const out = await this.run('vaeEncoder', { [TENSOR_NAMES.vaeEncoder.input]: floatTensor(image, IMAGE_DIMS, layout.floatDtype) });
    const latent = Float32Array.from(floatValues(out[TENSOR_NAMES.vaeEncoder.output]));
    for (let i = 0; i < latent.length; i++) latent[i] *= manifest.vaeScalingFactor;
    return latent;
  }

  /** VAE_dec(latent / vaeScalingFactor): 3 × 512 × 512 planar, nominally [-1, 1]. */
  async decode(latent: Float32Array): Promise<Float32Array> {
    if (latent.length !== LATENT_SIZE) throw new DiffusionError('invalid_input', `the latent must hold 4 × 64 × 64 values (got ${latent.length})`);
    const { layout, manifest } = this.models;
    const unscaled = latent.map((v) => v / manifest.vaeScalingFactor);
    const out = await this.run('vaeDecoder', { [TENSOR_NAMES.vaeDecoder.input]: floatTensor(unscaled, LATENT_DIMS, layout.floatDtype) });
    return Float32Array.from(floatValues(out[TENSOR_NAMES.vaeDecoder.output]));
  }

  /**
   * The whole 512² render: `image` 3 × 512 × 512 planar in [-1, 1], `map` the parameter
   * map 4 × 512 × 512 planar in [-1, 1] (image/parameter-map-raster.ts).
   */
  async denoise(image: Float32Array, map: Float32Array, options: DenoiseOptions = {}): Promise<DenoiseResult> {
    const steps = options.steps ?? DEFAULT_STEPS;
    const seed = options.seed ?? DEFAULT_SEED;
    try {
      assertSteps(steps, this.models.manifest.scheduler);
    } catch (error) {
      throw new DiffusionError('invalid_input', (error as Error).message);
    }
    if (map.length !== MAP_SIZE) throw new DiffusionError('invalid_input', `the parameter map must hold 4 × 512 × 512 values (got ${map.length})`);
    const signal = options.signal;
    signal?.throwIfAborted();

    let started = performance.now();
    const imageLatent = await this.encode(image);
    const encodeMs = performance.now() - started;

    const { layout, embedding } = this.models;
    const dtype = layout.floatDtype;
    const scheduler = new DdimScheduler(steps, this.models.manifest.scheduler);
    const cn = TENSOR_NAMES.controlnet, un = TENSOR_NAMES.unet;
    // Inputs that stay the same for every step, converted once.
    const text = rawTensor(embedding.data, [1, TEXT_TOKENS, layout.textHidden]);
    const condition = floatTensor(map, MAP_DIMS, dtype);
    const imageLatentTensor = floatTensor(imageLatent, LATENT_DIMS, dtype);

    let latent = gaussianNoise(LATENT_SIZE, seed);
    if (scheduler.initNoiseSigma !== 1) latent = latent.map((v) => v * scheduler.initNoiseSigma);
    const stepMs: number[] = [];
    for (const [index, t] of scheduler.timesteps.entries()) {
      signal?.throwIfAborted();
      started = performance.now();
      const sample = floatTensor(latent, LATENT_DIMS, dtype);
      const residuals = await this.run('controlnet', {
        [cn.sample]: sample,
        [cn.timestep]: timestepTensor(t, layout.timestep.controlnet.dtype, layout.timestep.controlnet.dims),
        [cn.encoderHiddenStates]: text,
        [cn.controlnetCond]: condition,
        [cn.originalImageLatent]: imageLatentTensor,
      });
      // The ControlNet's outputs are the UNet's inputs as they are (same type, no copy here).
      const unetFeeds: Record<string, Tensor> = {
        [un.sample]: sample,
        [un.timestep]: timestepTensor(t, layout.timestep.unet.dtype, layout.timestep.unet.dims),
        [un.encoderHiddenStates]: text,
        [un.midResidual]: residuals[cn.midResidual],
      };
      CONTROLNET_DOWN_RESIDUALS.forEach((name, i) => (unetFeeds[UNET_DOWN_RESIDUALS[i]] = residuals[name]));
      const prediction = await this.run('unet', unetFeeds);
      latent = scheduler.step(floatValues(prediction[un.output]), t, latent);
      const ms = performance.now() - started;
      stepMs.push(ms);
      options.onStep?.({ step: index + 1, steps, timestep: t, ms });
    }

    signal?.throwIfAborted();
    started = performance.now();
    const output = await this.decode(latent);
    const decodeMs = performance.now() - started;
    const reconstruction = await this.decode(imageLatent);
    return { output, reconstruction, timings: { encodeMs, stepMs, decodeMs } };
  }

  /** Frees the sessions (idempotent). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.models.release();
  }

  private async run(role: ModelRole, feeds: Record<string, Tensor>): Promise<InferenceSession.ReturnType> {
    if (this.released) throw new DiffusionError('model_unavailable', 'the diffusion pipeline was released (load it again)');
    try {
      return await this.models.sessions[role].run(feeds);
    } catch (error) {
      if (isOutOfMemoryError(error)) {
        await this.release();
        throw new DiffusionError('out_of_memory', `${MODEL_LABEL[role]} ran out of device memory; the sessions were released: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
  }
}
