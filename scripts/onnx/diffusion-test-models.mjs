#!/usr/bin/env node
/**
 * Writes a tiny PerTouch diffusion model set for tests and benchmarks: the four ONNX
 * files of libs/diffusion's model set (vae_encoder, vae_decoder, controlnet, unet) with
 * exactly the real input/output names, ranks and spatial shapes (64² latents, 512² image
 * and parameter map, 77 text tokens, the 12 + 1 ControlNet residuals at 64/32/16/8) but a
 * few channels and a handful of fixed weights, the empty-prompt embedding (.npy) and the
 * manifest. Deterministic: every run writes identical bytes.
 *
 *   node scripts/onnx/diffusion-test-models.mjs <out-dir>
 *
 * What the tiny models compute (so that a pipeline run means something):
 *
 * - vae_encoder: sample [1,3,512,512] → 8×8 average pool → 1×1 conv to 4 channels
 *   (R, G, B, their mean) × LATENT_GAIN / 0.18215, so the *scaled* latents (× 0.18215)
 *   are ≈ 3 × the pooled RGB in [-1, 1]: unit-ish variance, like SD's.
 * - vae_decoder: latent_sample → 1×1 conv (the encoder's left inverse) → bilinear ×8 →
 *   sample [1,3,512,512]. decode(encode(x)) is x averaged over 8×8 blocks, upsampled.
 * - controlnet: the map pooled to 64², concatenated with original_img_vae (the input
 *   image's latent) plus 1e-3 · (channel mean of `sample`) + 1e-6 · timestep + 1e-3 · mean
 *   of the text embedding → h [1,8,64,64]; down_block_res_sample_0 = h (identity 1×1
 *   conv), the other residuals = h pooled to their side, 1×1 conv to their channels.
 * - unet: reads the latent L and the pooled map m back from residual 0 and predicts the
 *   clean latent x̂0 = contrast gain · [luma + colourfulness gain · (RGB − luma), luma]
 *   + temperature / brightness shifts (per pixel, from m), + 1e-4 · the mean of every
 *   other residual and of the text embedding; out_sample is the v-prediction of that x̂0:
 *   v = (√ᾱ_t · sample − x̂0) / √(1 − ᾱ_t), ᾱ from SD 2.1's schedule (a 1000-entry table,
 *   Gather by timestep). DDIM therefore converges to x̂0: the output is the input image
 *   with per-region colour and tone changes set by the map, plus ≈ 0.5 % of the seed's
 *   noise (SD's last DDIM step keeps √(1 − ᾱ_0) ≈ 0.029 of its noise estimate).
 *
 * Variants: fp32/ (float32 tensors) and fp16/ (float16 inputs and outputs, the same
 * graph computed in float32 between Cast nodes, since onnxruntime's CPU provider lacks
 * most float16 kernels; real fp16 exports compute in float16 on CUDA).
 *
 * Options (for error-path tests) change one thing each: `hidden` (text width),
 * `condChannels` (the parameter map's channels), `unetResidualChannels` (what the UNet
 * declares for its residual inputs), `renames` (rename one model's input or output),
 * `timestepType` ('float' or 'int64').
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, encodeModel, fixedWeights, floatTensor, int64Tensor, node, valueInfo } from './onnx-proto.mjs';

const { FLOAT, INT64 } = DataType;
/** TensorProto.DataType FLOAT16. */
const FLOAT16 = 10;

export const IMAGE_SIDE = 512;
export const LATENT_SIDE = 64;
export const TEXT_TOKENS = 77;
/** Few channels: the real ones are 320, 640, 1280 (libs/diffusion spec.ts). */
export const TEST_DOWN_RESIDUAL_CHANNELS = [8, 8, 8, 8, 12, 12, 12, 16, 16, 16, 16, 16];
export const TEST_MID_RESIDUAL_CHANNELS = 16;
export const DOWN_RESIDUAL_SIDES = [64, 64, 64, 32, 32, 32, 16, 16, 16, 8, 8, 8];
export const MID_RESIDUAL_SIDE = 8;
export const TEST_TEXT_HIDDEN = 8;
export const VAE_SCALING_FACTOR = 0.18215;
/** Scaled latents ≈ LATENT_GAIN × pooled RGB in [-1, 1]. */
export const LATENT_GAIN = 3;
/** The map's effect, in RGB units of [-1, 1] per unit of map value (see the unet). */
export const MAP_EFFECT = Object.freeze({ colourfulnessGain: 0.6, contrastGain: 0.5, temperatureShift: 0.2, brightnessShift: 0.3 });

/** The real tensor names (libs/diffusion/src/model-set/spec.ts; a test checks they agree). */
export const NAMES = Object.freeze({
  vaeEncoder: { input: 'sample', output: 'latent_sample' },
  vaeDecoder: { input: 'latent_sample', output: 'sample' },
  controlnet: {
    inputs: ['sample', 'timestep', 'encoder_hidden_states', 'controlnet_cond', 'original_img_vae'],
    downResiduals: DOWN_RESIDUAL_SIDES.map((_, i) => `down_block_res_sample_${i}`),
    midResidual: 'mid_block_res_sample',
  },
  unet: {
    inputs: ['sample', 'timestep', 'encoder_hidden_states'],
    downResiduals: DOWN_RESIDUAL_SIDES.map((_, i) => `down_block_additional_residual_${i}`),
    midResidual: 'mid_block_additional_residual',
    output: 'out_sample',
  },
});

/** SD 2.1's scheduler (scheduler_config.json), as the manifest records it. */
export const SD21_SCHEDULER = Object.freeze({
  type: 'ddim',
  numTrainTimesteps: 1000,
  betaStart: 0.00085,
  betaEnd: 0.012,
  betaSchedule: 'scaled_linear',
  stepsOffset: 1,
  setAlphaToOne: false,
  predictionType: 'v_prediction',
  timestepSpacing: 'leading',
});

/** √ᾱ_t and √(1 − ᾱ_t) for t = 0..999 of SD 2.1's scaled-linear schedule (float64, then float32). */
function alphaTables() {
  const n = SD21_SCHEDULER.numTrainTimesteps;
  const a = Math.sqrt(SD21_SCHEDULER.betaStart), b = Math.sqrt(SD21_SCHEDULER.betaEnd);
  const sqrtAcp = new Float32Array(n), sqrtOneMinus = new Float32Array(n);
  let cumprod = 1;
  for (let t = 0; t < n; t++) {
    const beta = (a + ((b - a) * t) / (n - 1)) ** 2;
    cumprod *= 1 - beta;
    sqrtAcp[t] = Math.sqrt(cumprod);
    sqrtOneMinus[t] = Math.sqrt(1 - cumprod);
  }
  return { sqrtAcp, sqrtOneMinus };
}

/** Collects nodes and initializers; names intermediates uniquely. */
class Graph {
  constructor(name) {
    this.name = name;
    this.nodes = [];
    this.initializers = [];
    this.count = 0;
  }
  tmp(hint) {
    return `${hint}_${this.count++}`;
  }
  op(type, inputs, attributes = {}, output = undefined) {
    const out = output ?? this.tmp(type.toLowerCase());
    this.nodes.push(node(type, inputs, [out], attributes));
    return out;
  }
  floats(name, dims, values) {
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }
  ints(name, dims, values) {
    this.initializers.push(int64Tensor(name, dims, values));
    return name;
  }
  scalar(value, hint = 'c') {
    return this.floats(this.tmp(hint), [], [value]);
  }
  conv1x1(input, inChannels, outChannels, weights, output = undefined) {
    const w = this.floats(this.tmp('w'), [outChannels, inChannels, 1, 1], weights);
    return this.op('Conv', [input, w], { kernel_shape: [1, 1] }, output);
  }
  pool(input, k, output = undefined) {
    return this.op('AveragePool', [input], { kernel_shape: [k, k], strides: [k, k] }, output);
  }
  slice(input, axis, start, end) {
    return this.op('Slice', [input, this.ints(this.tmp('s'), [1], [start]), this.ints(this.tmp('e'), [1], [end]), this.ints(this.tmp('a'), [1], [axis])]);
  }
  /** scalar·x */
  scale(input, factor) {
    return this.op('Mul', [input, this.scalar(factor)]);
  }
  /** mean over every axis, as a scalar tensor */
  meanAll(input, rank) {
    return this.op('ReduceMean', [input], { axes: [...Array(rank).keys()], keepdims: 0 });
  }
}

/**
 * Wraps a float32 graph in a float16 interface: inputs and outputs declared float16,
 * Cast to float32 on the way in and back to float16 on the way out.
 */
function finish(graph, inputs, outputs, precision) {
  if (precision === 'fp32') {
    return encodeModel({
      name: graph.name,
      nodes: graph.nodes,
      initializers: graph.initializers,
      inputs: inputs.map(([n, t, d]) => valueInfo(n, t, d)),
      outputs: outputs.map(([n, t, d]) => valueInfo(n, t, d)),
    });
  }
  const rename = new Map();
  const castIn = [];
  for (const [n, t] of inputs) {
    if (t !== FLOAT) continue;
    rename.set(n, `${n}__f32`);
    castIn.push(node('Cast', [n], [`${n}__f32`], { to: FLOAT }));
  }
  const castOut = [];
  for (const [n, t] of outputs) {
    if (t !== FLOAT) continue;
    rename.set(n, `${n}__f32`);
    castOut.push(node('Cast', [`${n}__f32`], [n], { to: FLOAT16 }));
  }
  const nodes = graph.nodes.map((nd) => ({ ...nd, input: nd.input.map((x) => rename.get(x) ?? x), output: nd.output.map((x) => rename.get(x) ?? x) }));
  const half = ([n, t, d]) => valueInfo(n, t === FLOAT ? FLOAT16 : t, d);
  return encodeModel({
    name: `${graph.name}_fp16`,
    nodes: [...castIn, ...nodes, ...castOut],
    initializers: graph.initializers,
    inputs: inputs.map(half),
    outputs: outputs.map(half),
  });
}

function vaeEncoder(precision, renames) {
  const g = new Graph('tiny_vae_encoder');
  const k = LATENT_GAIN / VAE_SCALING_FACTOR;
  const third = 1 / 3;
  const input = renames?.sample ?? 'sample';
  const output = renames?.latent_sample ?? 'latent_sample';
  const pooled = g.pool(input, 8);
  g.conv1x1(pooled, 3, 4, [k, 0, 0, 0, k, 0, 0, 0, k, k * third, k * third, k * third], output);
  return finish(g, [[input, FLOAT, [1, 3, IMAGE_SIDE, IMAGE_SIDE]]], [[output, FLOAT, [1, 4, LATENT_SIDE, LATENT_SIDE]]], precision);
}

function vaeDecoder(precision, renames) {
  const g = new Graph('tiny_vae_decoder');
  const k = LATENT_GAIN / VAE_SCALING_FACTOR;
  const v = 0.5;
  // D = [I − v·1ᵀ/3 | v] / k: the left inverse of the encoder's [I; 1ᵀ/3]·k.
  const d = [];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) d.push(((r === c ? 1 : 0) - v / 3) / k);
    d.push(v / k);
  }
  const input = renames?.latent_sample ?? 'latent_sample';
  const output = renames?.sample ?? 'sample';
  const rgb = g.conv1x1(input, 4, 3, d);
  g.op('Resize', [rgb, '', g.floats('up8', [4], [1, 1, 8, 8])], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }, output);
  return finish(g, [[input, FLOAT, [1, 4, LATENT_SIDE, LATENT_SIDE]]], [[output, FLOAT, [1, 3, IMAGE_SIDE, IMAGE_SIDE]]], precision);
}

function timestepInput(g, name, timestepType) {
  return timestepType === 'int64' ? g.op('Cast', [name], { to: FLOAT }) : name;
}

function controlnet(precision, { hidden, condChannels, timestepType, renames }) {
  const g = new Graph('tiny_pertouch_controlnet');
  const n = (x) => renames?.[x] ?? x;
  const timestep = timestepInput(g, n('timestep'), timestepType);
  const map = g.pool(n('controlnet_cond'), 8);
  const width = 4 + condChannels;
  const base = g.op('Concat', [n('original_img_vae'), map], { axis: 1 });
  const sampleMean = g.scale(g.op('ReduceMean', [n('sample')], { axes: [1], keepdims: 1 }), 1e-3);
  const t = g.scale(g.op('Reshape', [timestep, g.ints('shape_1111', [4], [1, 1, 1, 1])]), 1e-6);
  const text = g.scale(g.op('Reshape', [g.meanAll(n('encoder_hidden_states'), 3), g.ints('shape_1111b', [4], [1, 1, 1, 1])]), 1e-3);
  const h = g.op('Add', [g.op('Add', [base, sampleMean]), g.op('Add', [t, text])]);
  const bySide = new Map([[64, h]]);
  for (const side of [32, 16, 8]) bySide.set(side, g.pool(bySide.get(side * 2), 2));
  const identity = [];
  for (let r = 0; r < width; r++) for (let c = 0; c < width; c++) identity.push(r === c ? 1 : 0);
  const outputs = [];
  DOWN_RESIDUAL_SIDES.forEach((side, i) => {
    const channels = TEST_DOWN_RESIDUAL_CHANNELS[i];
    const name = n(NAMES.controlnet.downResiduals[i]);
    const weights = i === 0 ? padRows(identity, width, channels) : fixedWeights(channels * width, 100 + i).map((w) => 0.1 * w);
    g.conv1x1(bySide.get(side), width, channels, weights, name);
    outputs.push([name, FLOAT, [1, channels, side, side]]);
  });
  const mid = n(NAMES.controlnet.midResidual);
  g.conv1x1(bySide.get(MID_RESIDUAL_SIDE), width, TEST_MID_RESIDUAL_CHANNELS, fixedWeights(TEST_MID_RESIDUAL_CHANNELS * width, 99).map((w) => 0.1 * w), mid);
  outputs.push([mid, FLOAT, [1, TEST_MID_RESIDUAL_CHANNELS, MID_RESIDUAL_SIDE, MID_RESIDUAL_SIDE]]);
  const inputs = [
    [n('sample'), FLOAT, [1, 4, LATENT_SIDE, LATENT_SIDE]],
    [n('timestep'), timestepType === 'int64' ? INT64 : FLOAT, [1]],
    [n('encoder_hidden_states'), FLOAT, [1, TEXT_TOKENS, hidden]],
    [n('controlnet_cond'), FLOAT, [1, condChannels, IMAGE_SIDE, IMAGE_SIDE]],
    [n('original_img_vae'), FLOAT, [1, 4, LATENT_SIDE, LATENT_SIDE]],
  ];
  return finish(g, inputs, outputs, precision);
}

/** The first `channels` rows of a width×width matrix, zero rows beyond it. */
function padRows(square, width, channels) {
  const out = new Float32Array(channels * width);
  out.set(square.slice(0, Math.min(channels, width) * width));
  return out;
}

function unet(precision, { hidden, timestepType, unetResidualChannels, renames }) {
  const g = new Graph('tiny_pertouch_unet');
  const n = (x) => renames?.[x] ?? x;
  const e = MAP_EFFECT;
  const timestep = timestepInput(g, n('timestep'), timestepType);
  const r0 = n(NAMES.unet.downResiduals[0]);
  const latent = g.slice(r0, 1, 0, 4);
  const map = g.slice(r0, 1, 4, 8);
  const rgb = g.slice(latent, 1, 0, 3);
  const luma = g.slice(latent, 1, 3, 4);
  const mapChannel = (c) => g.slice(map, 1, c, c + 1);
  const one = g.scalar(1, 'one');
  const colourGain = g.op('Add', [one, g.scale(mapChannel(0), e.colourfulnessGain)]);
  const contrastGain = g.op('Add', [one, g.scale(mapChannel(1), e.contrastGain)]);
  const saturated = g.op('Add', [luma, g.op('Mul', [colourGain, g.op('Sub', [rgb, luma])])]);
  const toned = g.op('Mul', [g.op('Concat', [saturated, luma], { axis: 1 }), contrastGain]);
  // Temperature: ±shift on R/B; brightness: the luma channel (the decoder spreads it over RGB at 0.5).
  const temperature = LATENT_GAIN * 3 * e.temperatureShift;
  const brightness = (LATENT_GAIN * e.brightnessShift) / 0.5;
  const shift = g.conv1x1(map, 4, 4, [0, 0, temperature, 0, 0, 0, 0, 0, 0, 0, -temperature, 0, 0, 0, 0, brightness]);
  const residualMeans = [...NAMES.unet.downResiduals.slice(1), NAMES.unet.midResidual].map((name) => g.meanAll(n(name), 4));
  const extras = g.scale(g.op('Sum', [...residualMeans, g.meanAll(n('encoder_hidden_states'), 3)]), 1e-4);
  const x0 = g.op('Add', [g.op('Add', [toned, shift]), extras]);
  const { sqrtAcp, sqrtOneMinus } = alphaTables();
  const index = g.op('Cast', [timestep], { to: INT64 });
  const shape = g.ints('shape_scalar', [4], [1, 1, 1, 1]);
  const alpha = g.op('Reshape', [g.op('Gather', [g.floats('sqrt_alphas_cumprod', [1000], sqrtAcp), index], { axis: 0 }), shape]);
  const sigma = g.op('Reshape', [g.op('Gather', [g.floats('sqrt_one_minus_alphas_cumprod', [1000], sqrtOneMinus), index], { axis: 0 }), shape]);
  g.op('Div', [g.op('Sub', [g.op('Mul', [alpha, n('sample')]), x0]), sigma], {}, n('out_sample'));
  const declared = unetResidualChannels ?? TEST_DOWN_RESIDUAL_CHANNELS;
  const inputs = [
    [n('sample'), FLOAT, [1, 4, LATENT_SIDE, LATENT_SIDE]],
    [n('timestep'), timestepType === 'int64' ? INT64 : FLOAT, [1]],
    [n('encoder_hidden_states'), FLOAT, [1, TEXT_TOKENS, hidden]],
    ...DOWN_RESIDUAL_SIDES.map((side, i) => [n(NAMES.unet.downResiduals[i]), FLOAT, [1, declared[i], side, side]]),
    [n(NAMES.unet.midResidual), FLOAT, [1, TEST_MID_RESIDUAL_CHANNELS, MID_RESIDUAL_SIDE, MID_RESIDUAL_SIDE]],
  ];
  return finish(g, inputs, [[n('out_sample'), FLOAT, [1, 4, LATENT_SIDE, LATENT_SIDE]]], precision);
}

/** A NumPy .npy (format 1.0) of a C-order float32 array. */
export function npyFloat32(dims, values) {
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + header.length + 1;
  const padded = header + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + padded.length + values.length * 4);
  // Magic "\x93NUMPY", version 1.0, header length (uint16 LE), then the header padded to a multiple of 64.
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  bytes.set(new TextEncoder().encode(padded), 10);
  bytes.set(new Uint8Array(Float32Array.from(values).buffer), 10 + padded.length);
  return bytes;
}

/**
 * Every file of the tiny model set, by path relative to the model-set directory.
 * @param {{ precisions?: ('fp32'|'fp16')[], hidden?: number, embeddingHidden?: number, condChannels?: number,
 *   unetResidualChannels?: number[], timestepType?: 'float'|'int64',
 *   renames?: { vaeEncoder?: Record<string,string>, vaeDecoder?: Record<string,string>, controlnet?: Record<string,string>, unet?: Record<string,string> } }} [options]
 * @returns {Record<string, Uint8Array>}
 */
export function diffusionTestModelSet(options = {}) {
  const precisions = options.precisions ?? ['fp32', 'fp16'];
  const hidden = options.hidden ?? TEST_TEXT_HIDDEN;
  const common = { hidden, condChannels: options.condChannels ?? 4, timestepType: options.timestepType ?? 'float', unetResidualChannels: options.unetResidualChannels };
  const files = {};
  for (const precision of precisions) {
    files[`${precision}/vae_encoder.onnx`] = vaeEncoder(precision, options.renames?.vaeEncoder);
    files[`${precision}/vae_decoder.onnx`] = vaeDecoder(precision, options.renames?.vaeDecoder);
    files[`${precision}/controlnet.onnx`] = controlnet(precision, { ...common, renames: options.renames?.controlnet });
    files[`${precision}/unet.onnx`] = unet(precision, { ...common, renames: options.renames?.unet });
  }
  const embeddingHidden = options.embeddingHidden ?? hidden;
  files['empty_prompt_embedding.npy'] = npyFloat32([1, TEXT_TOKENS, embeddingHidden], fixedWeights(TEXT_TOKENS * embeddingHidden, 5));
  const manifest = {
    format: 'pertouch-diffusion-model-set',
    version: 1,
    name: 'pertouch-tiny-test-models',
    description: 'Tiny generated models with the real tensor names and shapes (scripts/onnx/diffusion-test-models.mjs); not a retoucher.',
    precisions,
    emptyPromptEmbedding: 'empty_prompt_embedding.npy',
    vaeScalingFactor: VAE_SCALING_FACTOR,
    scheduler: SD21_SCHEDULER,
  };
  files['model-set.json'] = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  return files;
}

/**
 * Writes the tiny model set into `dir` (created if needed); returns the paths written.
 * @param {string} dir
 * @param {Parameters<typeof diffusionTestModelSet>[0]} [options]
 * @returns {string[]}
 */
export function writeDiffusionTestModelSet(dir, options = {}) {
  const written = [];
  for (const [relative, bytes] of Object.entries(diffusionTestModelSet(options))) {
    const path = join(dir, relative);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, bytes);
    written.push(path);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/onnx/diffusion-test-models.mjs <out-dir>');
    process.exit(2);
  }
  for (const path of writeDiffusionTestModelSet(dir)) console.log(`wrote ${path}`);
}
