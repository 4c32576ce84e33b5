/**
 * DDIM (Song et al. 2021, "Denoising Diffusion Implicit Models", eq. 12 with η = 0) as
 * diffusers' DDIMScheduler computes it, for Stable Diffusion 2.1's configuration
 * (scheduler/scheduler_config.json): scaled-linear betas 0.00085–0.012 over 1000
 * training steps, `steps_offset` 1, "leading" timestep spacing, `set_alpha_to_one`
 * false, v-prediction (Salimans & Ho 2022, "Progressive Distillation", §4: v = √ᾱ·ε − √(1−ᾱ)·x0).
 *
 * Pure math on Float32Array latents; the schedule is computed in float64 (diffusers
 * computes it in float32: ᾱ differs by < 2e-6 relative, e.g. 0.0057755001 vs 0.0057754889 at t = 981).
 */

export interface DdimConfig {
  readonly numTrainTimesteps: number;
  readonly betaStart: number;
  readonly betaEnd: number;
  /** diffusers' `beta_schedule`: "scaled_linear" (SD) or "linear". */
  readonly betaSchedule: 'scaled_linear' | 'linear';
  /** Added to every inference timestep (SD: 1). */
  readonly stepsOffset: number;
  /** Whether the step after the last uses ᾱ = 1 (true) or ᾱ_0 (false, SD). */
  readonly setAlphaToOne: boolean;
  /** What the denoiser predicts: v (SD 2.1) or the noise ε (SD 1.x). */
  readonly predictionType: 'v_prediction' | 'epsilon';
  /** Only "leading" (diffusers' default, SD 2.1's) is implemented. */
  readonly timestepSpacing: 'leading';
}

/** Stable Diffusion 2.1's scheduler configuration. */
export const SD21_DDIM_CONFIG: DdimConfig = Object.freeze({
  numTrainTimesteps: 1000,
  betaStart: 0.00085,
  betaEnd: 0.012,
  betaSchedule: 'scaled_linear',
  stepsOffset: 1,
  setAlphaToOne: false,
  predictionType: 'v_prediction',
  timestepSpacing: 'leading',
});

/** The original's step count, and the faster one offered. */
export const DEFAULT_STEPS = 50;
export const FAST_STEPS = 20;

/**
 * β_0..β_{T−1}. scaled_linear: (linspace(√β_start, √β_end, T))² (diffusers, from the
 * latent-diffusion code); linear: linspace(β_start, β_end, T).
 */
export function betaSchedule(config: DdimConfig): Float64Array {
  const n = config.numTrainTimesteps;
  const out = new Float64Array(n);
  if (config.betaSchedule === 'scaled_linear') {
    const a = Math.sqrt(config.betaStart), b = Math.sqrt(config.betaEnd);
    for (let t = 0; t < n; t++) out[t] = (a + ((b - a) * t) / (n - 1)) ** 2;
  } else {
    for (let t = 0; t < n; t++) out[t] = config.betaStart + ((config.betaEnd - config.betaStart) * t) / (n - 1);
  }
  return out;
}

/** ᾱ_t = Π_{s ≤ t} (1 − β_s) (DDPM, Ho et al. 2020, §2). */
export function alphasCumprod(config: DdimConfig): Float64Array {
  const betas = betaSchedule(config);
  const out = new Float64Array(betas.length);
  let product = 1;
  for (let t = 0; t < betas.length; t++) out[t] = product *= 1 - betas[t];
  return out;
}

/**
 * The inference timesteps, largest first, "leading" spacing (diffusers'
 * DDIMScheduler.set_timesteps): step ratio r = ⌊T / steps⌋, timesteps
 * round(i · r) for i = steps−1 … 0, plus steps_offset. SD 2.1, 50 steps: 981, 961, … 1.
 */
export function ddimTimesteps(steps: number, config: DdimConfig = SD21_DDIM_CONFIG): number[] {
  assertSteps(steps, config);
  const ratio = Math.floor(config.numTrainTimesteps / steps);
  const out: number[] = [];
  for (let i = steps - 1; i >= 0; i--) out.push(Math.round(i * ratio) + config.stepsOffset);
  return out;
}

export function assertSteps(steps: number, config: DdimConfig = SD21_DDIM_CONFIG): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > config.numTrainTimesteps) {
    throw new RangeError(`the step count must be an integer from 1 to ${config.numTrainTimesteps} (got ${steps})`);
  }
}

/** DDIM with η = 0 over a fixed number of steps: the timesteps and the update x_t → x_{t−r}. */
export class DdimScheduler {
  readonly timesteps: readonly number[];
  /** DDIM's initial noise is N(0, I): the starting latent is the noise itself. */
  readonly initNoiseSigma = 1;
  private readonly alphas: Float64Array;
  private readonly finalAlphaCumprod: number;
  private readonly ratio: number;

  constructor(
    readonly steps: number,
    readonly config: DdimConfig = SD21_DDIM_CONFIG,
  ) {
    this.timesteps = ddimTimesteps(steps, config);
    this.alphas = alphasCumprod(config);
    this.finalAlphaCumprod = config.setAlphaToOne ? 1 : this.alphas[0];
    this.ratio = Math.floor(config.numTrainTimesteps / steps);
  }

  /** ᾱ_t, or the final ᾱ for t < 0 (the step after the last). */
  alphaCumprod(t: number): number {
    return t >= 0 ? this.alphas[t] : this.finalAlphaCumprod;
  }

  /** The timestep a step from t lands on: t − ⌊T / steps⌋ (negative after the last step). */
  previousTimestep(t: number): number {
    return t - this.ratio;
  }

  /**
   * One DDIM step (η = 0; diffusers DDIMScheduler.step, no clipping or thresholding):
   *   x̂0 = √ᾱ_t · x_t − √(1−ᾱ_t) · v,   ε̂ = √ᾱ_t · v + √(1−ᾱ_t) · x_t      (v-prediction)
   *   x̂0 = (x_t − √(1−ᾱ_t) · ε) / √ᾱ_t,  ε̂ = ε                              (ε-prediction)
   *   x_{t−r} = √ᾱ_{t−r} · x̂0 + √(1 − ᾱ_{t−r}) · ε̂
   * Returns a new array; `sample` and `modelOutput` are left alone.
   */
  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    if (modelOutput.length !== sample.length) throw new RangeError(`model output has ${modelOutput.length} values, the sample ${sample.length}`);
    const alphaT = this.alphaCumprod(t);
    const alphaPrev = this.alphaCumprod(this.previousTimestep(t));
    const a = Math.sqrt(alphaT), s = Math.sqrt(1 - alphaT);
    const aPrev = Math.sqrt(alphaPrev), sPrev = Math.sqrt(1 - alphaPrev);
    const out = new Float32Array(sample.length);
    if (this.config.predictionType === 'v_prediction') {
      for (let i = 0; i < out.length; i++) {
        const x = sample[i], v = modelOutput[i];
        out[i] = aPrev * (a * x - s * v) + sPrev * (a * v + s * x);
      }
    } else {
      for (let i = 0; i < out.length; i++) {
        const x = sample[i], eps = modelOutput[i];
        out[i] = aPrev * ((x - s * eps) / a) + sPrev * eps;
      }
    }
    return out;
  }
}
