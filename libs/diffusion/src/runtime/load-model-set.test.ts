/**
 * Loading errors, through onnxruntime-node, on tiny model sets written wrong on purpose:
 * each failure names the file or the tensor that does not match.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_DOWN_RESIDUAL_CHANNELS } from '../../../../scripts/onnx/diffusion-test-models.mjs';
import { DiffusionError } from '../errors.js';
import { writeTinyModelSet, type TinyModelSet } from '../testing/tiny-models.js';
import { cudaProviderInstalled } from './providers.js';
import { loadModelSet, type LoadModelSetOptions } from './load-model-set.js';

const sets: TinyModelSet[] = [];
afterEach(() => {
  for (const set of sets.splice(0)) set.remove();
});

function tiny(options: Parameters<typeof writeTinyModelSet>[0] = {}): TinyModelSet {
  const set = writeTinyModelSet({ precisions: ['fp32'], ...options });
  sets.push(set);
  return set;
}

async function loadError(options: LoadModelSetOptions): Promise<DiffusionError> {
  try {
    const loaded = await loadModelSet({ provider: 'cpu', threads: 1, ...options });
    await loaded.release();
  } catch (error) {
    expect(error).toBeInstanceOf(DiffusionError);
    return error as DiffusionError;
  }
  throw new Error('expected the load to fail');
}

describe('loadModelSet', () => {
  it('opens a valid set and releases it', async () => {
    const loaded = await loadModelSet({ dir: tiny().dir, provider: 'cpu', threads: 1 });
    expect(loaded).toMatchObject({ provider: 'cpu', precision: 'fp32', layout: { floatDtype: 'float32', textHidden: 8 } });
    expect(loaded.embedding.shape).toEqual([1, 77, 8]);
    await loaded.release();
  });

  it('a directory without a model set: model_unavailable, naming model-set.json', async () => {
    const error = await loadError({ dir: '/nonexistent/pertouch-models' });
    expect(error.code).toBe('model_unavailable');
    expect(error.message).toContain('model-set.json');
  });

  it('a missing model file: model_unavailable, naming the model and its path', async () => {
    const set = tiny();
    rmSync(join(set.dir, 'fp32', 'unet.onnx'));
    const error = await loadError({ dir: set.dir });
    expect(error.code).toBe('model_unavailable');
    expect(error.message).toContain('unet');
    expect(error.message).toContain(join(set.dir, 'fp32', 'unet.onnx'));
  });

  it('a precision the set does not have: model_unavailable', async () => {
    const error = await loadError({ dir: tiny().dir, precision: 'fp16' });
    expect(error).toMatchObject({ code: 'model_unavailable', message: expect.stringContaining('no fp16 variant') });
  });

  it('a corrupt model file: model_invalid, naming the model', async () => {
    const set = tiny();
    writeFileSync(join(set.dir, 'fp32', 'controlnet.onnx'), 'not an onnx file');
    const error = await loadError({ dir: set.dir });
    expect(error.code).toBe('model_invalid');
    expect(error.message).toMatch(/controlnet model at .* could not be loaded/);
  });

  it('a mis-shaped input: model_invalid, naming the input, its shape and the expected one', async () => {
    const error = await loadError({ dir: tiny({ condChannels: 3 }).dir });
    expect(error.code).toBe('model_invalid');
    expect(error.message).toBe('controlnet input "controlnet_cond" has shape [1, 3, 512, 512], expected [1, 4, 512, 512]');
  });

  it('a missing input (renamed in the export): model_invalid, listing what the model has', async () => {
    const error = await loadError({ dir: tiny({ renames: { controlnet: { original_img_vae: 'image_latent' } } }).dir });
    expect(error.message).toMatch(/^controlnet has no input named "original_img_vae" \(its inputs: .*image_latent/);
  });

  it('residual channels that differ between the ControlNet and the UNet: names both tensors', async () => {
    const channels = TEST_DOWN_RESIDUAL_CHANNELS.map((c, i) => (i === 4 ? c + 1 : c));
    const error = await loadError({ dir: tiny({ unetResidualChannels: channels }).dir });
    expect(error.message).toBe('unet input "down_block_additional_residual_4" has shape [1, 13, 32, 32] but controlnet output "down_block_res_sample_4" is [1, 12, 32, 32]: the residual channels differ');
  });

  it('an empty-prompt embedding of another width than the models take', async () => {
    const error = await loadError({ dir: tiny({ embeddingHidden: 16 }).dir });
    expect(error.message).toBe('controlnet input "encoder_hidden_states" has shape [1, 77, 8], expected [1, 77, 16]');
  });

  it('an unreadable manifest field: model_invalid naming the field', async () => {
    const set = tiny();
    writeFileSync(join(set.dir, 'model-set.json'), JSON.stringify({ format: 'pertouch-diffusion-model-set', version: 1, name: 'x', precisions: ['fp32'], emptyPromptEmbedding: 'empty_prompt_embedding.npy', vaeScalingFactor: 0.18215, scheduler: { type: 'euler' } }));
    const error = await loadError({ dir: set.dir });
    expect(error).toMatchObject({ code: 'model_invalid', message: expect.stringContaining('scheduler.type') });
  });

  it.skipIf(cudaProviderInstalled())('asking for CUDA where its provider is not installed: provider_unavailable, not a silent CPU run', async () => {
    const error = await loadError({ dir: tiny().dir, provider: 'cuda' });
    expect(error.code).toBe('provider_unavailable');
  });

  it.skipIf(cudaProviderInstalled())("'auto' falls back to the CPU and says why", async () => {
    const loaded = await loadModelSet({ dir: tiny().dir, provider: 'auto', threads: 1 });
    expect(loaded.provider).toBe('cpu');
    expect(loaded.fallbackReason).toMatch(/CUDA provider library is not installed/);
    await loaded.release();
  });
});
