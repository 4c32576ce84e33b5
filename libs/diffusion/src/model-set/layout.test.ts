/** The layout checks on metadata alone (no onnxruntime): what a real SD 2.1 export declares, and what it must not. */
import { describe, expect, it } from 'vitest';
import { checkModelSetLayout, type ModelSetMeta, type ValueMeta } from './layout.js';
import { parseManifest } from './manifest.js';
import { SD21_DOWN_RESIDUALS, SD21_MID_RESIDUAL, SD21_TEXT_HIDDEN } from './spec.js';

const t = (name: string, type: string, shape: (number | string)[]): ValueMeta => ({ name, isTensor: true, type, shape });

/** The metadata a real fp16 export (tools/export) declares: batch symbolic, timestep float16 [1]. */
function sd21(float = 'float16', overrides: Partial<Record<keyof ModelSetMeta, Partial<ModelSetMeta[keyof ModelSetMeta]>>> = {}): ModelSetMeta {
  const latent = ['batch', 4, 64, 64];
  const residual = (r: { channels: number; side: number }) => ['batch', r.channels, r.side, r.side];
  const meta: ModelSetMeta = {
    vaeEncoder: { inputs: [t('sample', float, ['batch', 3, 512, 512])], outputs: [t('latent_sample', float, latent)] },
    vaeDecoder: { inputs: [t('latent_sample', float, latent)], outputs: [t('sample', float, ['batch', 3, 512, 512])] },
    controlnet: {
      inputs: [t('sample', float, latent), t('timestep', float, ['batch']), t('encoder_hidden_states', float, ['batch', 77, 1024]), t('controlnet_cond', float, ['batch', 4, 512, 512]), t('original_img_vae', float, latent)],
      outputs: [...SD21_DOWN_RESIDUALS.map((r, i) => t(`down_block_res_sample_${i}`, float, residual(r))), t('mid_block_res_sample', float, residual(SD21_MID_RESIDUAL))],
    },
    unet: {
      inputs: [
        t('sample', float, latent),
        t('timestep', float, ['batch']),
        t('encoder_hidden_states', float, ['batch', 77, 1024]),
        ...SD21_DOWN_RESIDUALS.map((r, i) => t(`down_block_additional_residual_${i}`, float, residual(r))),
        t('mid_block_additional_residual', float, residual(SD21_MID_RESIDUAL)),
      ],
      outputs: [t('out_sample', float, latent)],
    },
  };
  for (const [role, o] of Object.entries(overrides)) Object.assign(meta[role as keyof ModelSetMeta], o);
  return meta;
}

const EMBEDDING = [1, 77, SD21_TEXT_HIDDEN];

describe('checkModelSetLayout', () => {
  it('accepts SD 2.1 with symbolic batch dims, fp16 and fp32', () => {
    expect(checkModelSetLayout(sd21(), 'fp16', EMBEDDING)).toEqual({
      floatDtype: 'float16',
      timestep: { controlnet: { dtype: 'float16', dims: [1] }, unet: { dtype: 'float16', dims: [1] } },
      textHidden: 1024,
    });
    expect(checkModelSetLayout(sd21('float32'), 'fp32', EMBEDDING).floatDtype).toBe('float32');
  });

  it('accepts an int64 or scalar timestep', () => {
    const meta = sd21('float32');
    const unet = { ...meta.unet, inputs: meta.unet.inputs.map((m) => (m.name === 'timestep' ? t('timestep', 'int64', []) : m)) };
    expect(checkModelSetLayout({ ...meta, unet }, 'fp32', EMBEDDING).timestep.unet).toEqual({ dtype: 'int64', dims: [] });
  });

  it('refuses an fp32 file in the fp16 folder, naming the tensor', () => {
    expect(() => checkModelSetLayout(sd21('float32'), 'fp16', EMBEDDING)).toThrow('vae_encoder input "sample" is float32, expected float16');
  });

  it('refuses a residual at the wrong resolution', () => {
    const meta = sd21();
    const outputs = meta.controlnet.outputs.map((m) => (m.name === 'down_block_res_sample_3' ? t(m.name, 'float16', ['batch', 320, 64, 64]) : m));
    expect(() => checkModelSetLayout({ ...meta, controlnet: { ...meta.controlnet, outputs } }, 'fp16', EMBEDDING)).toThrow('controlnet output "down_block_res_sample_3" has shape [batch, 320, 64, 64], expected [1, ?, 32, 32]');
  });

  it('refuses an input the pipeline would not feed (e.g. a conditioning_scale left in the export)', () => {
    const meta = sd21();
    const inputs = [...meta.controlnet.inputs, t('conditioning_scale', 'float16', [])];
    expect(() => checkModelSetLayout({ ...meta, controlnet: { ...meta.controlnet, inputs } }, 'fp16', EMBEDDING)).toThrow(/controlnet has an input named "conditioning_scale" that the model set does not define/);
  });

  it('refuses a timestep of two values and an embedding that is not [1, 77, H]', () => {
    const meta = sd21();
    const inputs = meta.unet.inputs.map((m) => (m.name === 'timestep' ? t('timestep', 'float16', [2]) : m));
    expect(() => checkModelSetLayout({ ...meta, unet: { ...meta.unet, inputs } }, 'fp16', EMBEDDING)).toThrow('unet input "timestep" has shape [2], expected [1] or a scalar');
    expect(() => checkModelSetLayout(sd21(), 'fp16', [77, 1024])).toThrow('the empty-prompt embedding has shape [77, 1024], expected [1, 77, hidden]');
  });
});

describe('parseManifest', () => {
  const valid = {
    format: 'pertouch-diffusion-model-set',
    version: 1,
    name: 'pertouch-sd21',
    precisions: ['fp16', 'fp32'],
    emptyPromptEmbedding: 'empty_prompt_embedding.npy',
    vaeScalingFactor: 0.18215,
    scheduler: { type: 'ddim', numTrainTimesteps: 1000, betaStart: 0.00085, betaEnd: 0.012, betaSchedule: 'scaled_linear', stepsOffset: 1, setAlphaToOne: false, predictionType: 'v_prediction', timestepSpacing: 'leading' },
  };

  it('reads the SD 2.1 manifest', () => {
    expect(parseManifest(valid)).toMatchObject({ name: 'pertouch-sd21', precisions: ['fp16', 'fp32'], scheduler: { predictionType: 'v_prediction', stepsOffset: 1 } });
  });

  it('names the first bad field', () => {
    expect(() => parseManifest({ ...valid, version: 2 })).toThrow('model-set.json: version must be 1');
    expect(() => parseManifest({ ...valid, precisions: ['int8'] })).toThrow(/precisions must be/);
    expect(() => parseManifest({ ...valid, emptyPromptEmbedding: '../secrets.npy' })).toThrow(/emptyPromptEmbedding/);
    expect(() => parseManifest({ ...valid, scheduler: { ...valid.scheduler, timestepSpacing: 'trailing' } })).toThrow(/scheduler.timestepSpacing must be "leading"/);
    expect(() => parseManifest({ ...valid, scheduler: { ...valid.scheduler, betaEnd: 2 } })).toThrow(/scheduler.betaEnd/);
    expect(() => parseManifest([])).toThrow(/JSON object/);
  });
});
