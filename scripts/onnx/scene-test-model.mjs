#!/usr/bin/env node
/**
 * Writes a tiny image-embedding ONNX model for tests of the scene memory's ONNX extractor
 * (libs/memory OnnxSceneModel): the real input/output names and shapes of CLIP's image
 * encoder as Hugging Face exports it — `pixel_values` float32 [1, 3, 224, 224] →
 * `image_embeds` float32 [1, D] — but a few cheap ops instead of a ViT, so loading, the
 * layout checks, preprocessing and the memory round-trip run through onnxruntime without
 * the real weights.
 *
 *   node scripts/onnx/scene-test-model.mjs <out-dir>     → <out-dir>/scene-test.onnx
 *
 * Graph: AveragePool (S/4 × S/4, stride S/4) → the 4 × 4 grid of mean colours, 48 numbers
 *   (layout and colour both matter, so different images embed differently) → Flatten →
 *   MatMul with fixed pseudo-random weights [48, D] → Add a fixed bias → image_embeds.
 *   Not normalised (like CLIP's image_embeds): the loader normalises.
 *
 * `sceneTestModelVariant` writes mis-shaped models (wrong input name, rank or output) on a
 * graph that loads whatever the declared shapes: the mean of the input, expanded to the
 * declared output shape.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, encodeModel, fixedWeights, floatTensor, int64Tensor, node, valueInfo } from './onnx-proto.mjs';

/** CLIP ViT-B/32's input side. */
export const SCENE_TEST_INPUT_SIDE = 224;
/** The tiny model's embedding dimension (CLIP ViT-B/32 has 512). */
export const SCENE_TEST_DIMENSION = 16;
/** Cells per side of the pooled grid. */
export const SCENE_TEST_GRID = 4;

const { FLOAT } = DataType;

/** The projection's weights [48, D] and bias [D], exported so tests can compute the embedding independently. */
export function sceneTestWeights({ dimension = SCENE_TEST_DIMENSION, seed = 5 } = {}) {
  const features = 3 * SCENE_TEST_GRID * SCENE_TEST_GRID;
  return { weights: fixedWeights(features * dimension, seed), bias: fixedWeights(dimension, seed + 1).map((v) => v * 0.1), features };
}

/**
 * The tiny scene model's ONNX bytes.
 * @param {{ side?: number, dimension?: number, dynamic?: boolean, seed?: number }} [options]
 *   `dynamic`: declare batch, H and W symbolic (['batch_size', 3, 'height', 'width']), as
 *   exports with dynamic axes do — the graph still expects `side`; `seed` changes the weights.
 */
export function sceneTestModel({ side = SCENE_TEST_INPUT_SIDE, dimension = SCENE_TEST_DIMENSION, dynamic = false, seed = 5 } = {}) {
  if (side % SCENE_TEST_GRID !== 0) throw new RangeError(`side must be a multiple of ${SCENE_TEST_GRID}`);
  const cell = side / SCENE_TEST_GRID;
  const { weights, bias, features } = sceneTestWeights({ dimension, seed });
  return encodeModel({
    name: 'scene_test_model',
    inputs: [valueInfo('pixel_values', FLOAT, dynamic ? ['batch_size', 3, 'height', 'width'] : [1, 3, side, side])],
    outputs: [valueInfo('image_embeds', FLOAT, [dynamic ? 'batch_size' : 1, dimension])],
    initializers: [floatTensor('proj_w', [features, dimension], weights), floatTensor('proj_b', [dimension], bias)],
    nodes: [
      node('AveragePool', ['pixel_values'], ['grid'], { kernel_shape: [cell, cell], strides: [cell, cell] }),
      node('Flatten', ['grid'], ['flat'], { axis: 1 }),
      node('MatMul', ['flat', 'proj_w'], ['projected']),
      node('Add', ['projected', 'proj_b'], ['image_embeds']),
    ],
  });
}

/**
 * A mis-shaped model for the load checks: declared input `inputName` with `inputDims`,
 * output `outputName` with `outputDims` (all fixed numbers), plus `extraInputs` (names of
 * further float32 [1] inputs, as a whole CLIP's input_ids would be).
 * @param {{ inputName?: string, inputDims?: number[], outputName?: string, outputDims?: number[], extraInputs?: string[] }} [options]
 */
export function sceneTestModelVariant({ inputName = 'pixel_values', inputDims = [1, 3, SCENE_TEST_INPUT_SIDE, SCENE_TEST_INPUT_SIDE], outputName = 'image_embeds', outputDims = [1, SCENE_TEST_DIMENSION], extraInputs = [] } = {}) {
  return encodeModel({
    name: 'scene_test_variant',
    inputs: [valueInfo(inputName, FLOAT, inputDims), ...extraInputs.map((n) => valueInfo(n, FLOAT, [1]))],
    outputs: [valueInfo(outputName, FLOAT, outputDims)],
    initializers: [int64Tensor('out_shape', [outputDims.length], outputDims)],
    nodes: [
      node('ReduceMean', [inputName], ['mean'], { keepdims: 0 }),
      ...extraInputs.map((n, i) => node('Add', [i === 0 ? 'mean' : `sum_${i - 1}`, n], [`sum_${i}`])),
      node('Expand', [extraInputs.length > 0 ? `sum_${extraInputs.length - 1}` : 'mean', 'out_shape'], [outputName]),
    ],
  });
}

/**
 * Writes `scene-test.onnx` (or `fileName`) into `dir` (created if needed).
 * @param {string} dir
 * @param {Parameters<typeof sceneTestModel>[0] & { fileName?: string }} [options]
 * @returns {string} the model's path
 */
export function writeSceneTestModel(dir, { fileName = 'scene-test.onnx', ...options } = {}) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, fileName);
  writeFileSync(path, sceneTestModel(options));
  return path;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/onnx/scene-test-model.mjs <out-dir>');
    process.exit(2);
  }
  console.log(`wrote ${writeSceneTestModel(dir)}`);
}
