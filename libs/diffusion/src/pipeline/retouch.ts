/**
 * G(X, C) at full resolution: the 512² diffusion render's colour and tone change carried
 * onto the original, instead of the original code's 512² output resized back up (which
 * throws the photo's detail away).
 *
 * 1. X512 = X resized to 512² (any aspect: the model's input), C = the map at 512²;
 * 2. the pipeline renders Y = G(X512, C) and the VAE round trip X̃ = dec(enc(X512));
 * 3. a bilateral grid of affine colour transforms T is fitted so that T(X̃) ≈ Y — from
 *    X̃, not X512, because X̃ has lost the same detail to the VAE as Y, so the fit sees
 *    only what the ControlNet changed (fitting from X512 would also try to explain the
 *    VAE's blur with colour slopes, and flatten the photo's texture);
 * 4. T is applied to the full-resolution X (apply-grid.ts).
 *
 * The fit's PSNR, T(X̃) against Y at 512², says how much of the render the transfer
 * carries over (≥ 30 dB on the test renders); `vaeRoundTripPsnrDb`, X̃ against X512, is
 * the detail the 512² path alone would have lost.
 */
import type { RgbImage } from '@pertouch/imaging';
import { fromModelImage, toModelImage } from '../image/model-image.js';
import { applyColourGrid, applyColourGridUnit, psnr } from '../transfer/apply-grid.js';
import { fitColourGrid, type ColourGridOptions } from '../transfer/colour-grid.js';
import type { TransferPool } from '../transfer/transfer-pool.js';
import type { DenoiseOptions, DiffusionPipeline, PipelineInfo } from './diffusion-pipeline.js';
import { DEFAULT_STEPS } from '../scheduler/ddim.js';
import { DEFAULT_SEED } from '../noise/gaussian.js';

export interface RetouchOptions extends DenoiseOptions {
  readonly grid?: ColourGridOptions;
  /** Threads for the full-resolution transfer (default: inline, on the calling thread). */
  readonly transferPool?: TransferPool;
  /** Fraction of the whole retouch done, 0..1: preparation 0–0.05, encoding –0.1, steps –0.9, decoding and transfer –1. */
  readonly onProgress?: (fraction: number) => void;
}

export interface RetouchStats {
  readonly steps: number;
  readonly seed: number;
  readonly provider: PipelineInfo['provider'];
  readonly precision: PipelineInfo['precision'];
  /** PSNR of the fitted transform applied to X̃ against the 512² render Y. */
  readonly fitPsnrDb: number;
  /** PSNR of the VAE round trip X̃ against X512: the detail a plain resize-back would lose. */
  readonly vaeRoundTripPsnrDb: number;
  readonly prepareMs: number;
  readonly encodeMs: number;
  readonly stepMs: readonly number[];
  readonly decodeMs: number;
  readonly fitMs: number;
  /** Applying the grid to the full-resolution original. */
  readonly transferMs: number;
  /** Threads that applied it. */
  readonly transferThreads: number;
  readonly totalMs: number;
}

export interface RetouchResult {
  /** The original's size and bit depth. */
  readonly image: RgbImage;
  /** The 512² render itself (0..1 RGB), for previews and tests. */
  readonly render512: { readonly width: number; readonly height: number; readonly data: Float32Array };
  readonly stats: RetouchStats;
}

/** What retouch needs of a pipeline (a DiffusionPipeline, or a stand-in in tests). */
export type RetouchPipeline = Pick<DiffusionPipeline, 'denoise' | 'info'>;

export async function retouch(pipeline: RetouchPipeline, image: RgbImage, map: Float32Array, options: RetouchOptions = {}): Promise<RetouchResult> {
  const progress = options.onProgress ?? (() => {});
  const steps = options.steps ?? DEFAULT_STEPS;
  const begun = performance.now();
  options.signal?.throwIfAborted();
  const input = toModelImage(image);
  const prepareMs = performance.now() - begun;
  progress(0.05);
  const rendered = await pipeline.denoise(input, map, {
    ...options,
    steps,
    onStep: (event) => {
      progress(0.1 + (0.8 * event.step) / event.steps);
      options.onStep?.(event);
    },
  });
  options.signal?.throwIfAborted();
  let started = performance.now();
  const target = fromModelImage(rendered.output);
  const source = fromModelImage(rendered.reconstruction);
  const grid = fitColourGrid(source, target, options.grid);
  const fitPsnrDb = psnr(applyColourGridUnit(grid, source), target);
  const vaeRoundTripPsnrDb = psnr(source, fromModelImage(input));
  const fitMs = performance.now() - started;
  progress(0.93);
  started = performance.now();
  const out = options.transferPool ? await options.transferPool.apply(grid, image) : applyColourGrid(grid, image);
  const transferMs = performance.now() - started;
  progress(1);
  const { provider, precision } = pipeline.info;
  return {
    image: out,
    render512: target,
    stats: {
      steps,
      seed: options.seed ?? DEFAULT_SEED,
      provider,
      precision,
      fitPsnrDb,
      vaeRoundTripPsnrDb,
      prepareMs,
      encodeMs: rendered.timings.encodeMs,
      stepMs: rendered.timings.stepMs,
      decodeMs: rendered.timings.decodeMs,
      fitMs,
      transferMs,
      transferThreads: options.transferPool?.threadsFor(image.width, image.height) ?? 1,
      totalMs: performance.now() - begun,
    },
  };
}
