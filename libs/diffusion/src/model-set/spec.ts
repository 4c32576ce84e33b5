/**
 * The diffusion model set — every file, tensor name, shape and dtype the pipeline reads,
 * in one place (libs/diffusion/README.md prints the same table).
 *
 * Names follow diffusers' ONNX export (scripts/convert_stable_diffusion_checkpoint_to_onnx.py:
 * VAE encoder `sample` → `latent_sample`, decoder `latent_sample` → `sample`, UNet
 * `sample`, `timestep`, `encoder_hidden_states` → `out_sample`) and the argument names of
 * diffusers' ControlNetModel / UNet2DConditionModel for the residuals
 * (`down_block_res_samples` / `mid_block_res_sample` out of the ControlNet,
 * `down_block_additional_residuals` / `mid_block_additional_residual` into the UNet),
 * one tensor each, numbered.
 *
 * PerTouch-specific (design.md §5; the published code's ControlNetModel.forward):
 * - `controlnet_cond` is the **parameter map**, 4 × 512 × 512, channels colourfulness,
 *   contrast, temperature, brightness, values in [-1, 1];
 * - `original_img_vae` is the **input image's VAE latent** (already multiplied by the
 *   VAE scaling factor), 4 × 64 × 64: the ControlNet's conditioning embedding
 *   concatenates conv3×3(4→256) of it with the map's features;
 * - the UNet's own conv_out is replaced by PerTouch's trained conv3×3 320→4
 *   (`unet_conv_out.pth`), folded into `unet.onnx` at export, so `out_sample` is the
 *   v-prediction itself.
 *
 * Batch is 1 (no classifier-free guidance: the original runs guidance_scale 0 on the
 * empty prompt). A model may declare any dim symbolic; fixed dims must match.
 */

/** Tensor element types a model-set tensor may have. */
export type TensorDtype = 'float32' | 'float16' | 'int64';

/** Precision variants of the ONNX files: one folder each under the model-set directory. */
export const PRECISIONS = ['fp32', 'fp16'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** The float dtype of a precision variant's image, latent, map and residual tensors. */
export const FLOAT_DTYPE: Readonly<Record<Precision, 'float32' | 'float16'>> = { fp32: 'float32', fp16: 'float16' };

/** The manifest at the root of a model-set directory (manifest.ts validates it). */
export const MANIFEST_FILE = 'model-set.json';
/** The empty-prompt text embedding (OpenCLIP ViT-H/14 last hidden state of ""), NumPy .npy, float32. */
export const EMPTY_PROMPT_EMBEDDING_FILE = 'empty_prompt_embedding.npy';

/** ONNX files of one precision variant, in `<dir>/<precision>/`. */
export const MODEL_FILES = {
  vaeEncoder: 'vae_encoder.onnx',
  vaeDecoder: 'vae_decoder.onnx',
  controlnet: 'controlnet.onnx',
  unet: 'unet.onnx',
} as const;
export type ModelRole = keyof typeof MODEL_FILES;
export const MODEL_ROLES = Object.keys(MODEL_FILES) as ModelRole[];

/** How a role is named in messages ("controlnet input …"). */
export const MODEL_LABEL: Readonly<Record<ModelRole, string>> = { vaeEncoder: 'vae_encoder', vaeDecoder: 'vae_decoder', controlnet: 'controlnet', unet: 'unet' };

/** Stable Diffusion 2.1 at 512²: 8× VAE downsampling, 4 latent channels, 77 text tokens of 1024. */
export const IMAGE_SIDE = 512;
export const LATENT_SIDE = 64;
export const LATENT_CHANNELS = 4;
export const MAP_CHANNELS = 4;
export const TEXT_TOKENS = 77;
export const SD21_TEXT_HIDDEN = 1024;

export const IMAGE_DIMS = [1, 3, IMAGE_SIDE, IMAGE_SIDE] as const;
export const LATENT_DIMS = [1, LATENT_CHANNELS, LATENT_SIDE, LATENT_SIDE] as const;
export const MAP_DIMS = [1, MAP_CHANNELS, IMAGE_SIDE, IMAGE_SIDE] as const;

/** The 12 down residuals of SD 2.1's UNet at 64² latents (channels @ side), then the mid residual. */
export const SD21_DOWN_RESIDUALS: readonly { readonly channels: number; readonly side: number }[] = [
  { channels: 320, side: 64 }, { channels: 320, side: 64 }, { channels: 320, side: 64 },
  { channels: 320, side: 32 }, { channels: 640, side: 32 }, { channels: 640, side: 32 },
  { channels: 640, side: 16 }, { channels: 1280, side: 16 }, { channels: 1280, side: 16 },
  { channels: 1280, side: 8 }, { channels: 1280, side: 8 }, { channels: 1280, side: 8 },
];
export const SD21_MID_RESIDUAL = { channels: 1280, side: 8 } as const;
export const DOWN_RESIDUAL_COUNT = SD21_DOWN_RESIDUALS.length;
/** Spatial sides of the residuals are fixed by the 64² latent; channel counts are the model's (few in the test models). */
export const DOWN_RESIDUAL_SIDES: readonly number[] = SD21_DOWN_RESIDUALS.map((r) => r.side);
export const MID_RESIDUAL_SIDE = SD21_MID_RESIDUAL.side;

export const TENSOR_NAMES = {
  vaeEncoder: { input: 'sample', output: 'latent_sample' },
  vaeDecoder: { input: 'latent_sample', output: 'sample' },
  controlnet: {
    sample: 'sample',
    timestep: 'timestep',
    encoderHiddenStates: 'encoder_hidden_states',
    /** The parameter map (PerTouch). */
    controlnetCond: 'controlnet_cond',
    /** The input image's scaled VAE latent (PerTouch). */
    originalImageLatent: 'original_img_vae',
    downResidual: (i: number) => `down_block_res_sample_${i}`,
    midResidual: 'mid_block_res_sample',
  },
  unet: {
    sample: 'sample',
    timestep: 'timestep',
    encoderHiddenStates: 'encoder_hidden_states',
    downResidual: (i: number) => `down_block_additional_residual_${i}`,
    midResidual: 'mid_block_additional_residual',
    output: 'out_sample',
  },
} as const;

/** Every down-residual name of the ControlNet (outputs) and the UNet (inputs), in order. */
export const CONTROLNET_DOWN_RESIDUALS: readonly string[] = SD21_DOWN_RESIDUALS.map((_, i) => TENSOR_NAMES.controlnet.downResidual(i));
export const UNET_DOWN_RESIDUALS: readonly string[] = SD21_DOWN_RESIDUALS.map((_, i) => TENSOR_NAMES.unet.downResidual(i));

/** Dtypes a `timestep` input may have: diffusers exports it as the model's float type; int64 is accepted too. */
export const TIMESTEP_DTYPES: readonly TensorDtype[] = ['float32', 'float16', 'int64'];

/** SD 2.1's VAE scaling factor (vae/config.json `scaling_factor`): latents are multiplied by it after encoding, divided before decoding. */
export const SD21_VAE_SCALING_FACTOR = 0.18215;
