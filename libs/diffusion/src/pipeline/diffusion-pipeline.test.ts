/**
 * The whole 512² pipeline through onnxruntime-node (CPU) on the tiny generated model set
 * (scripts/onnx/diffusion-test-models.mjs: the real tensor names and shapes, a few
 * channels; its UNet predicts v for a clean latent = the input latent with the map's
 * colour and tone changes, so a run converges to something checkable).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAP_EFFECT, NAMES, diffusionTestModelSet } from '../../../../scripts/onnx/diffusion-test-models.mjs';
import { fromModelImage, toModelImage } from '../image/model-image.js';
import { uniformMapRaster } from '../image/parameter-map-raster.js';
import { CONTROLNET_DOWN_RESIDUALS, TENSOR_NAMES, UNET_DOWN_RESIDUALS } from '../model-set/spec.js';
import { ddimTimesteps } from '../scheduler/ddim.js';
import { landscape } from '../testing/images.js';
import { writeTinyModelSet, type TinyModelSet } from '../testing/tiny-models.js';
import { psnr } from '../transfer/apply-grid.js';
import { DiffusionPipeline, type StepEvent } from './diffusion-pipeline.js';

let models: TinyModelSet;
let pipeline: DiffusionPipeline;
const image = toModelImage(landscape(640, 480));
const neutral = uniformMapRaster([0, 0, 0, 0]);

beforeAll(async () => {
  models = writeTinyModelSet();
  pipeline = await DiffusionPipeline.load({ dir: models.dir, provider: 'cpu', threads: 1 });
});

afterAll(async () => {
  await pipeline?.release();
  models?.remove();
});

const mean = (values: Float32Array) => values.reduce((a, b) => a + b, 0) / values.length;
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
/** Bit-for-bit equality (vitest's deep equality is slow on 786 432 floats). */
const sameBits = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('the tiny model set', () => {
  it('uses the real tensor names (spec.ts)', () => {
    expect(NAMES.vaeEncoder).toEqual(TENSOR_NAMES.vaeEncoder);
    expect(NAMES.vaeDecoder).toEqual(TENSOR_NAMES.vaeDecoder);
    const cn = TENSOR_NAMES.controlnet, un = TENSOR_NAMES.unet;
    expect(NAMES.controlnet.inputs).toEqual([cn.sample, cn.timestep, cn.encoderHiddenStates, cn.controlnetCond, cn.originalImageLatent]);
    expect(NAMES.controlnet.downResiduals).toEqual(CONTROLNET_DOWN_RESIDUALS);
    expect(NAMES.unet.downResiduals).toEqual(UNET_DOWN_RESIDUALS);
    expect([NAMES.controlnet.midResidual, NAMES.unet.midResidual, NAMES.unet.output]).toEqual([cn.midResidual, un.midResidual, un.output]);
  });

  it('is written deterministically, and small (a few KB a file)', () => {
    const a = diffusionTestModelSet(), b = diffusionTestModelSet();
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    for (const [file, bytes] of Object.entries(a)) {
      expect(Buffer.from(bytes).equals(Buffer.from(b[file])), file).toBe(true);
      expect(bytes.length, file).toBeLessThan(32 * 1024);
    }
  });

  it('loads on the CPU, fp32 by default there', () => {
    expect(pipeline.info).toMatchObject({ provider: 'cpu', precision: 'fp32', textHidden: 8, name: 'pertouch-tiny-test-models' });
  });
});

describe('VAE', () => {
  it('round-trips an image (8×8 blocks, upsampled), with SD latents scaled by 0.18215 to unit-ish spread', async () => {
    const latent = await pipeline.encode(image);
    expect(latent.length).toBe(4 * 64 * 64);
    // The tiny encoder's scaled latent is 3 × the pooled RGB in [-1, 1]: a spread like SD's (≈ 1), not 0.18 of it.
    const spread = Math.sqrt(mean(latent.map((v) => v * v)));
    expect(spread).toBeGreaterThan(0.5);
    expect(spread).toBeLessThan(3);
    const decoded = await pipeline.decode(latent);
    expect(psnr(fromModelImage(decoded), fromModelImage(image))).toBeGreaterThan(28);
  });

  it('refuses inputs of the wrong size', async () => {
    await expect(pipeline.encode(new Float32Array(10))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(pipeline.decode(new Float32Array(10))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(pipeline.denoise(image, new Float32Array(10))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(pipeline.denoise(image, neutral, { steps: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

describe('denoise', () => {
  it('4 steps: one progress event a step, on DDIM timesteps 751, 501, 251, 1, converging to the input for a neutral map', async () => {
    const events: StepEvent[] = [];
    const result = await pipeline.denoise(image, neutral, { steps: 4, onStep: (e) => events.push(e) });
    expect(events.map((e) => [e.step, e.steps, e.timestep])).toEqual(ddimTimesteps(4).map((t, i) => [i + 1, 4, t]));
    expect(result.timings.stepMs).toHaveLength(4);
    expect(result.output.every(Number.isFinite)).toBe(true);
    // Neutral map: the tiny UNet's clean latent is the input's own: output ≈ the VAE round trip, up to the last step's noise.
    expect(psnr(fromModelImage(result.output), fromModelImage(result.reconstruction))).toBeGreaterThan(35);
  });

  it('50 steps (the default) in well under a few seconds on one CPU thread', async () => {
    const events: StepEvent[] = [];
    const started = performance.now();
    const result = await pipeline.denoise(image, neutral, { onStep: (e) => events.push(e) });
    const ms = performance.now() - started;
    expect(events).toHaveLength(50);
    expect(events[0].timestep).toBe(981);
    expect(events.at(-1)?.timestep).toBe(1);
    expect(ms).toBeLessThan(5000);
    expect(psnr(fromModelImage(result.output), fromModelImage(result.reconstruction))).toBeGreaterThan(35);
  });

  it('is deterministic per seed, and the seed matters (a little: the noise the last DDIM step keeps)', async () => {
    const a = await pipeline.denoise(image, neutral, { steps: 10, seed: 7 });
    const b = await pipeline.denoise(image, neutral, { steps: 10, seed: 7 });
    const c = await pipeline.denoise(image, neutral, { steps: 10, seed: 8 });
    expect(sameBits(a.output, b.output)).toBe(true);
    const difference = maxAbsDiff(a.output, c.output);
    expect(difference).toBeGreaterThan(1e-3);
    expect(difference).toBeLessThan(0.2);
  });

  it('different maps give different outputs, in the direction the map asks', async () => {
    const brighter = await pipeline.denoise(image, uniformMapRaster([0, 0, 0, 0.5]), { steps: 10 });
    const darker = await pipeline.denoise(image, uniformMapRaster([0, 0, 0, -0.5]), { steps: 10 });
    // Brightness shifts RGB by 0.3 · b in [-1, 1] units (0.15 · b in 0..1) in the tiny UNet.
    const shift = mean(fromModelImage(brighter.output).data) - mean(fromModelImage(darker.output).data);
    expect(shift).toBeCloseTo(MAP_EFFECT.brightnessShift * 0.5, 1);
    const warmer = fromModelImage((await pipeline.denoise(image, uniformMapRaster([0, 0, 0.8, 0]), { steps: 10 })).output);
    const cooler = fromModelImage((await pipeline.denoise(image, uniformMapRaster([0, 0, -0.8, 0]), { steps: 10 })).output);
    const redMinusBlue = (img: { data: Float32Array }) => {
      let sum = 0;
      for (let i = 0; i < img.data.length; i += 3) sum += img.data[i] - img.data[i + 2];
      return sum / (img.data.length / 3);
    };
    expect(redMinusBlue(warmer)).toBeGreaterThan(redMinusBlue(cooler) + 0.2);
  });

  it('stops between steps when the signal is aborted', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(
      pipeline.denoise(image, neutral, {
        steps: 50,
        signal: controller.signal,
        onStep: (e) => {
          seen.push(e.step);
          if (e.step === 2) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([1, 2]);
    // The pipeline is still usable afterwards.
    expect((await pipeline.denoise(image, neutral, { steps: 1 })).output.length).toBe(3 * 512 * 512);
  });

  it('refuses to start with an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(pipeline.denoise(image, neutral, { steps: 4, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('variants', () => {
  it('fp16 (float16 tensors in and out) renders what fp32 renders, to fp16 precision', async () => {
    const half = await DiffusionPipeline.load({ dir: models.dir, provider: 'cpu', precision: 'fp16', threads: 1 });
    try {
      expect(half.info.precision).toBe('fp16');
      const a = await pipeline.denoise(image, uniformMapRaster([0.3, -0.2, 0.4, 0.1]), { steps: 8 });
      const b = await half.denoise(image, uniformMapRaster([0.3, -0.2, 0.4, 0.1]), { steps: 8 });
      expect(psnr(fromModelImage(a.output), fromModelImage(b.output))).toBeGreaterThan(40);
    } finally {
      await half.release();
    }
  });

  it('an int64 timestep input works the same as a float one', async () => {
    const ints = writeTinyModelSet({ precisions: ['fp32'], timestepType: 'int64' });
    const other = await DiffusionPipeline.load({ dir: ints.dir, provider: 'cpu', threads: 1 });
    try {
      const a = await pipeline.denoise(image, neutral, { steps: 4 });
      const b = await other.denoise(image, neutral, { steps: 4 });
      expect(sameBits(a.output, b.output)).toBe(true);
    } finally {
      await other.release();
      ints.remove();
    }
  });
});
