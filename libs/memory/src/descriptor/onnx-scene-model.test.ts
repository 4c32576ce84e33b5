/**
 * OnnxSceneModel on a tiny generated model with CLIP's image-encoder layout
 * (scripts/onnx/scene-test-model.mjs), through onnxruntime-node: the load checks, the kind,
 * and the embedding against an independent computation of the tiny graph.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENE_TEST_DIMENSION, SCENE_TEST_GRID, sceneTestModel, sceneTestModelVariant, sceneTestWeights } from '../../../../scripts/onnx/scene-test-model.mjs';
import { cosineDistance } from '../vector-math.js';
import { CLIP_MEAN, CLIP_STD } from './clip-preprocess.js';
import { checkSceneModelLayout } from './onnx-scene-layout.js';
import { OnnxSceneModel } from './onnx-scene-model.js';
import { describeWithModel, SceneModelError } from './scene-model.js';

let dir: string;
let modelPath: string;
let model: OnnxSceneModel;

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const sha12 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);

function uniform(width: number, height: number, rgb: readonly number[]) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}

/** A picture with structure: a bright sky over dark ground, the horizon at `horizon` (0..1). */
function landscape(width: number, height: number, horizon: number, sky: readonly number[], ground: readonly number[]) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(y < horizon * height ? sky : ground, (y * width + x) * 3);
  return { width, height, data };
}

const norm = (v: Float32Array) => Math.hypot(...v);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pertouch-scene-model-'));
  modelPath = write('scene-test.onnx', sceneTestModel());
  model = await OnnxSceneModel.load({ path: modelPath });
});
afterAll(async () => {
  await model?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OnnxSceneModel: loading and kind', () => {
  it('reads the input size and dimension from the model; kind = onnx:<basename>@<12 hex of the file\'s sha256>', () => {
    expect(model.inputSize).toBe(224);
    expect(model.dimension).toBe(SCENE_TEST_DIMENSION);
    expect(model.kind).toBe(`onnx:scene-test@${sha12(modelPath)}`);
    expect(model.kind).toMatch(/^onnx:scene-test@[0-9a-f]{12}$/);
    expect(model.sha256).toBe(createHash('sha256').update(readFileSync(modelPath)).digest('hex'));
  });

  it('a configured name replaces the basename; other weights under the same name make another kind', async () => {
    const named = await OnnxSceneModel.load({ path: modelPath, name: 'clip-vit-b32' });
    const otherPath = write('other.onnx', sceneTestModel({ seed: 99 }));
    const other = await OnnxSceneModel.load({ path: otherPath, name: 'clip-vit-b32' });
    try {
      expect(named.kind).toBe(`onnx:clip-vit-b32@${sha12(modelPath)}`);
      expect(other.kind).toBe(`onnx:clip-vit-b32@${sha12(otherPath)}`);
      expect(other.kind).not.toBe(named.kind);
      expect(named.kind.length).toBeLessThanOrEqual(64);
    } finally {
      await Promise.all([named.close(), other.close()]);
    }
    await expect(OnnxSceneModel.load({ path: modelPath, name: 'clip vit' })).rejects.toThrow(RangeError);
  });

  it('a model with symbolic batch, H and W takes the configured size (default 224); a non-default output name changes the kind', async () => {
    const dynamicPath = write('dynamic.onnx', sceneTestModel({ dynamic: true }));
    const dynamic = await OnnxSceneModel.load({ path: dynamicPath });
    try {
      expect(dynamic.inputSize).toBe(224);
      expect(dynamic.layout.sizeFromModel).toBe(false);
      expect(dynamic.kind).toBe(`onnx:dynamic@${sha12(dynamicPath)}`); // the defaults: the file's own hash
      expect(dynamic.dimension).toBe(SCENE_TEST_DIMENSION);
      expect(norm(await dynamic.embed(uniform(50, 40, [1, 2, 3])))).toBeCloseTo(1, 5);
    } finally {
      await dynamic.close();
    }
    const renamed = write('renamed.onnx', sceneTestModelVariant({ outputName: 'embeddings' }));
    const custom = await OnnxSceneModel.load({ path: renamed, outputName: 'embeddings' });
    try {
      expect(custom.kind).toMatch(/^onnx:renamed@[0-9a-f]{12}$/);
      expect(custom.kind).not.toBe(`onnx:renamed@${sha12(renamed)}`);
    } finally {
      await custom.close();
    }
  });

  it('a missing file is model_unavailable; a file that is no model is model_invalid', async () => {
    await expect(OnnxSceneModel.load({ path: join(dir, 'absent.onnx') })).rejects.toMatchObject({ name: 'SceneModelError', code: 'model_unavailable', message: expect.stringContaining('absent.onnx') });
    const junk = write('junk.onnx', new TextEncoder().encode('not a model'));
    await expect(OnnxSceneModel.load({ path: junk })).rejects.toMatchObject({ code: 'model_invalid', message: expect.stringContaining('could not be loaded') });
  });

  it.each([
    ['a wrong input name', { inputName: 'images' }, /no input named "pixel_values" \(its inputs: images\)/],
    ['a rank-3 input', { inputDims: [3, 224, 224] }, /input "pixel_values" has shape \[3, 224, 224\], expected 4 dims/],
    ['4 channels', { inputDims: [1, 4, 224, 224] }, /input "pixel_values" has shape \[1, 4, 224, 224\], expected \[N, 3, H, W\]/],
    ['a non-square input', { inputDims: [1, 3, 224, 160] }, /input "pixel_values" must be square/],
    ['a rank-3 output', { outputDims: [1, 1, 16] }, /output "image_embeds" has shape \[1, 1, 16\], expected 2 dims \[N, D\]/],
    ['no image_embeds output', { outputName: 'last_hidden_state' }, /no output named "image_embeds" \(its outputs: last_hidden_state\)/],
    ['a whole CLIP (text inputs too)', { extraInputs: ['input_ids', 'attention_mask'] }, /takes inputs "input_ids", "attention_mask" besides "pixel_values"/],
    ['an embedding longer than the analyse result allows', { outputDims: [1, 5000] }, /output "image_embeds" has 5000 numbers per image, expected 1–4096/],
  ])('refuses %s with model_invalid naming the tensor', async (_what, variant, message) => {
    const path = write('variant.onnx', sceneTestModelVariant(variant));
    const error = await OnnxSceneModel.load({ path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SceneModelError);
    expect(error).toMatchObject({ code: 'model_invalid', message: expect.stringMatching(message) });
  });

  it('close() is idempotent; embedding after it fails', async () => {
    const once = await OnnxSceneModel.load({ path: modelPath });
    await once.close();
    await once.close();
    await expect(once.embed(uniform(8, 8, [0, 0, 0]))).rejects.toThrow(/closed/);
  });
});

describe('OnnxSceneModel: embeddings', () => {
  it('equals the tiny graph computed independently (CLIP normalisation, grid means, projection), L2-normalised', async () => {
    const rgb = [200, 100, 50];
    const got = await model.embed(uniform(640, 480, rgb));
    // A uniform image: every grid cell of channel c holds (v/255 − mean)/std.
    const { weights, bias, features } = sceneTestWeights();
    const cells = SCENE_TEST_GRID * SCENE_TEST_GRID;
    const flat = Array.from({ length: features }, (_, i) => {
      const c = Math.floor(i / cells);
      return (rgb[c] / 255 - CLIP_MEAN[c]) / CLIP_STD[c];
    });
    const raw = Array.from({ length: SCENE_TEST_DIMENSION }, (_, d) => flat.reduce((sum, x, i) => sum + x * weights[i * SCENE_TEST_DIMENSION + d], bias[d]));
    const length = Math.hypot(...raw);
    expect(got).toHaveLength(SCENE_TEST_DIMENSION);
    // float32 pooling and matmul in onnxruntime: agree to ~1e-5.
    for (let d = 0; d < SCENE_TEST_DIMENSION; d++) expect(got[d]).toBeCloseTo(raw[d] / length, 4);
    expect(norm(got)).toBeCloseTo(1, 6);
  });

  it('is deterministic, and different scenes give different vectors (a re-framed copy stays nearer than another scene)', async () => {
    const dusk = landscape(800, 600, 0.5, [250, 140, 60], [40, 30, 20]);
    const a = await model.embed(dusk);
    const again = await model.embed(dusk);
    expect(Array.from(again)).toEqual(Array.from(a));
    const reframed = await model.embed(landscape(400, 300, 0.52, [250, 140, 60], [40, 30, 20]));
    const noon = await model.embed(landscape(800, 600, 0.3, [120, 180, 250], [60, 120, 40]));
    expect(cosineDistance(a, noon)).toBeGreaterThan(0.05);
    expect(cosineDistance(a, reframed)).toBeLessThan(cosineDistance(a, noon));
  });

  it('describeWithModel: the model\'s kind and vector, the segmentation\'s distinct labels', async () => {
    const features = await describeWithModel(model, uniform(32, 32, [9, 9, 9]), [
      { id: 0, label: 'sky' },
      { id: 1, label: 'ground' },
      { id: 2, label: 'sky' },
    ]);
    expect(features.kind).toBe(model.kind);
    expect(features.vector).toHaveLength(SCENE_TEST_DIMENSION);
    expect(features.labels).toEqual(['ground', 'sky']);
  });
});

describe('checkSceneModelLayout (metadata only)', () => {
  const input = (shape: (number | string)[]) => ({ name: 'pixel_values', isTensor: true, type: 'float32', shape });
  const output = (shape: (number | string)[], name = 'image_embeds') => ({ name, isTensor: true, type: 'float32', shape });
  const check = (inShape: (number | string)[], outShape: (number | string)[] = [1, 512]) =>
    checkSceneModelLayout({ inputs: [input(inShape)], outputs: [output(outShape)] }, { outputName: 'image_embeds', size: 224 });

  it('takes CLIP ViT-B/32\'s export (symbolic batch, fixed 224, D = 512) and fully dynamic ones', () => {
    expect(check(['batch_size', 3, 224, 224], ['batch_size', 512])).toEqual({ inputSize: 224, sizeFromModel: true, outputName: 'image_embeds', dimension: 512 });
    expect(check(['batch', 'channels', 'h', 'w'], ['batch', 'dim'])).toEqual({ inputSize: 224, sizeFromModel: false, outputName: 'image_embeds', dimension: undefined });
    expect(check([1, 3, 336, 336]).inputSize).toBe(336);
  });

  it('refuses a fixed batch above 1, a float16 input and a non-tensor output', () => {
    expect(() => check([2, 3, 224, 224])).toThrow(/N = 1 or symbolic/);
    expect(() => checkSceneModelLayout({ inputs: [{ ...input([1, 3, 224, 224]), type: 'float16' }], outputs: [output([1, 8])] }, { outputName: 'image_embeds', size: 224 })).toThrow(/input "pixel_values" must be a float32 tensor \(got float16\)/);
    expect(() => checkSceneModelLayout({ inputs: [input([1, 3, 224, 224])], outputs: [{ name: 'image_embeds', isTensor: false }] }, { outputName: 'image_embeds', size: 224 })).toThrow(/output "image_embeds" must be a float32 tensor/);
  });
});
