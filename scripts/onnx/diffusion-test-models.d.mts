/** Types of diffusion-test-models.mjs, for TypeScript tests that import it. */
export declare const IMAGE_SIDE: number;
export declare const LATENT_SIDE: number;
export declare const TEXT_TOKENS: number;
export declare const TEST_DOWN_RESIDUAL_CHANNELS: readonly number[];
export declare const TEST_MID_RESIDUAL_CHANNELS: number;
export declare const DOWN_RESIDUAL_SIDES: readonly number[];
export declare const MID_RESIDUAL_SIDE: number;
export declare const TEST_TEXT_HIDDEN: number;
export declare const VAE_SCALING_FACTOR: number;
export declare const LATENT_GAIN: number;
/** The tiny UNet's map effects, in RGB units of [-1, 1] per unit of map value. */
export declare const MAP_EFFECT: { readonly colourfulnessGain: number; readonly contrastGain: number; readonly temperatureShift: number; readonly brightnessShift: number };
export declare const NAMES: {
  readonly vaeEncoder: { readonly input: string; readonly output: string };
  readonly vaeDecoder: { readonly input: string; readonly output: string };
  readonly controlnet: { readonly inputs: readonly string[]; readonly downResiduals: readonly string[]; readonly midResidual: string };
  readonly unet: { readonly inputs: readonly string[]; readonly downResiduals: readonly string[]; readonly midResidual: string; readonly output: string };
};
export declare const SD21_SCHEDULER: Readonly<Record<string, string | number | boolean>>;

export interface DiffusionTestModelOptions {
  /** Variant folders to write (default both). */
  readonly precisions?: readonly ('fp32' | 'fp16')[];
  /** Text-embedding width the models declare (default 8). */
  readonly hidden?: number;
  /** Width of the written empty-prompt embedding (default `hidden`). */
  readonly embeddingHidden?: number;
  /** Channels of the ControlNet's controlnet_cond (default 4). */
  readonly condChannels?: number;
  /** Channels the UNet declares for its 12 down-residual inputs (default the ControlNet's). */
  readonly unetResidualChannels?: readonly number[];
  /** The timestep inputs' type (default 'float': the variant's float type). */
  readonly timestepType?: 'float' | 'int64';
  /** Renames one model's inputs or outputs: { controlnet: { original_img_vae: 'image_latent' } }. */
  readonly renames?: Partial<Record<'vaeEncoder' | 'vaeDecoder' | 'controlnet' | 'unet', Readonly<Record<string, string>>>>;
}

/** Every file of the tiny model set, by path relative to its directory. */
export declare function diffusionTestModelSet(options?: DiffusionTestModelOptions): Record<string, Uint8Array>;
/** Writes the tiny model set into `dir`; returns the paths written. */
export declare function writeDiffusionTestModelSet(dir: string, options?: DiffusionTestModelOptions): string[];
/** A NumPy .npy (format 1.0) of a C-order float32 array. */
export declare function npyFloat32(dims: readonly number[], values: ArrayLike<number>): Uint8Array;
