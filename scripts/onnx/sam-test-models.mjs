#!/usr/bin/env node
/**
 * Writes tiny SAM-shaped ONNX models for tests: `encoder.onnx` and `decoder.onnx` with the
 * real input/output names and shapes of a SAM export (docs/sam.md), but a few cheap ops
 * instead of a ViT, so loading, prompt batching, coordinate transforms and
 * post-processing can be exercised through onnxruntime without the real weights.
 *
 *   node scripts/onnx/sam-test-models.mjs <out-dir>
 *
 * Encoder: image [1,3,1024,1024] → AveragePool 16×16 → 1×1 Conv (3→256, fixed weights) →
 *   image_embeddings [1,256,64,64]. Every embedding value depends on the pixels under it.
 *
 * Decoder (mimics SamOnnxModel with return_single_mask=False, i.e. 4 masks):
 *   centre  = mean of the prompt points whose label is > 0 (positives and box corners),
 *             in the 1024 frame; padding (-1) and negative (0) points are ignored.
 *   low_res_masks[m] (256×256, one cell = 4 px of the 1024 frame)
 *           = 1 − d²/r_m² + 0.25·tanh(channel-mean of the embedding, upsampled ×4)
 *             + has_mask_input · mask_input,
 *     d = distance from the cell centre to `centre`, r = DECODER_RADII (1024 frame), so
 *     each mask is (roughly) a disk of radius r_m around the prompt.
 *   masks = low_res_masks upscaled to 1024², cropped to the pre-padding size of
 *           orig_im_size, resized to orig_im_size (exactly SAM's mask_postprocessing).
 *   iou_predictions[m] = DECODER_IOU[m] + 0.01 · centre.x / 1024.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, encodeModel, fixedWeights, floatTensor, int64Tensor, node, valueInfo } from './onnx-proto.mjs';

/** SAM's encoder input side and embedding layout. */
export const SAM_INPUT_SIDE = 1024;
export const EMBEDDING_DIMS = [1, 256, 64, 64];
/** Disk radii of the 4 tiny-decoder masks, in pixels of the 1024 frame (mask 0 = SAM's single-mask output). */
export const DECODER_RADII = [120, 40, 96, 200];
/** Base iou of the 4 masks: for one click SAM picks the best of masks 1..3, here mask 2. */
export const DECODER_IOU = [0.5, 0.6, 0.9, 0.7];

const { FLOAT, INT64 } = DataType;

/**
 * The tiny encoder's ONNX bytes. `channels` other than 256 gives a wrongly shaped
 * embedding, for the "model_invalid" path.
 * @param {{ channels?: number }} [options]
 */
export function samTestEncoder({ channels = EMBEDDING_DIMS[1] } = {}) {
  return encodeModel({
    name: 'sam_test_encoder',
    inputs: [valueInfo('image', FLOAT, [1, 3, SAM_INPUT_SIDE, SAM_INPUT_SIDE])],
    outputs: [valueInfo('image_embeddings', FLOAT, [1, channels, 64, 64])],
    initializers: [
      floatTensor('conv_w', [channels, 3, 1, 1], fixedWeights(channels * 3, 7)),
      floatTensor('conv_b', [channels], fixedWeights(channels, 11).map((v) => v * 0.1)),
    ],
    nodes: [
      node('AveragePool', ['image'], ['pooled'], { kernel_shape: [16, 16], strides: [16, 16] }),
      node('Conv', ['pooled', 'conv_w', 'conv_b'], ['image_embeddings'], { kernel_shape: [1, 1] }),
    ],
  });
}

/**
 * The tiny decoder's ONNX bytes. `pointLabelsName` renames the `point_labels` input, for
 * the "model_invalid" path (a decoder missing a required input).
 * @param {{ pointLabelsName?: string }} [options]
 */
export function samTestDecoder({ pointLabelsName = 'point_labels' } = {}) {
  const maskCount = DECODER_RADII.length;
  const lowRes = 256;
  const cell = SAM_INPUT_SIDE / lowRes;
  return encodeModel({
    name: 'sam_test_decoder',
    inputs: [
      valueInfo('image_embeddings', FLOAT, EMBEDDING_DIMS),
      valueInfo('point_coords', FLOAT, [1, 'num_points', 2]),
      valueInfo(pointLabelsName, FLOAT, [1, 'num_points']),
      valueInfo('mask_input', FLOAT, [1, 1, lowRes, lowRes]),
      valueInfo('has_mask_input', FLOAT, [1]),
      valueInfo('orig_im_size', FLOAT, [2]),
    ],
    outputs: [
      valueInfo('masks', FLOAT, [1, maskCount, 'height', 'width']),
      valueInfo('iou_predictions', FLOAT, [1, maskCount]),
      valueInfo('low_res_masks', FLOAT, [1, maskCount, lowRes, lowRes]),
    ],
    initializers: [
      floatTensor('zero', [], [0]),
      floatTensor('half', [], [0.5]),
      floatTensor('one', [], [1]),
      floatTensor('cell', [], [cell]),
      floatTensor('low_res_side', [], [lowRes]),
      floatTensor('input_side', [], [SAM_INPUT_SIDE]),
      floatTensor('emb_weight', [], [0.25]),
      floatTensor('iou_slope', [], [0.01 / SAM_INPUT_SIDE]),
      floatTensor('inv_r2', [1, maskCount, 1, 1], DECODER_RADII.map((r) => 1 / (r * r))),
      floatTensor('iou_base', [1, maskCount], DECODER_IOU),
      floatTensor('up4', [4], [1, 1, cell, cell]),
      int64Tensor('shape_row', [4], [1, 1, 1, lowRes]),
      int64Tensor('shape_col', [4], [1, 1, lowRes, 1]),
      int64Tensor('shape_scalar4', [4], [1, 1, 1, 1]),
      int64Tensor('shape_scalar2', [2], [1, 1]),
      int64Tensor('shape_flag', [4], [1, 1, 1, 1]),
      int64Tensor('batch_and_masks', [2], [1, maskCount]),
      int64Tensor('full_size', [4], [1, maskCount, SAM_INPUT_SIDE, SAM_INPUT_SIDE]),
      int64Tensor('axis1', [1], [1]),
      int64Tensor('crop_starts', [2], [0, 0]),
      int64Tensor('crop_axes', [2], [2, 3]),
      int64Tensor('x_start', [1], [0]),
      int64Tensor('x_end', [1], [1]),
      int64Tensor('y_end', [1], [2]),
      int64Tensor('last_axis', [1], [2]),
    ],
    nodes: [
      // Cell-centre coordinates of the 256² grid in the 1024 frame: (i + 0.5) · 4.
      node('Range', ['zero', 'low_res_side', 'one'], ['idx']),
      node('Add', ['idx', 'half'], ['idx_c']),
      node('Mul', ['idx_c', 'cell'], ['coord']),
      node('Reshape', ['coord', 'shape_row'], ['gx']),
      node('Reshape', ['coord', 'shape_col'], ['gy']),
      // Weighted mean of the points with label > 0.
      node('Greater', [pointLabelsName, 'zero'], ['is_used']),
      node('Cast', ['is_used'], ['w'], { to: FLOAT }),
      node('Unsqueeze', ['w', 'last_axis'], ['w3']),
      node('Mul', ['point_coords', 'w3'], ['wcoords']),
      node('ReduceSum', ['wcoords', 'axis1'], ['sum_xy'], { keepdims: 1 }),
      node('ReduceSum', ['w', 'axis1'], ['count'], { keepdims: 1 }),
      node('Max', ['count', 'one'], ['count1']),
      node('Unsqueeze', ['count1', 'last_axis'], ['count3']),
      node('Div', ['sum_xy', 'count3'], ['centre']),
      node('Slice', ['centre', 'x_start', 'x_end', 'last_axis'], ['cx3']),
      node('Slice', ['centre', 'x_end', 'y_end', 'last_axis'], ['cy3']),
      node('Reshape', ['cx3', 'shape_scalar4'], ['cx']),
      node('Reshape', ['cy3', 'shape_scalar4'], ['cy']),
      // 1 − d²/r² for every mask radius.
      node('Sub', ['gx', 'cx'], ['dx']),
      node('Sub', ['gy', 'cy'], ['dy']),
      node('Mul', ['dx', 'dx'], ['dx2']),
      node('Mul', ['dy', 'dy'], ['dy2']),
      node('Add', ['dx2', 'dy2'], ['d2']),
      node('Mul', ['d2', 'inv_r2'], ['d2r']),
      node('Sub', ['one', 'd2r'], ['disk']),
      // + 0.25 · tanh(channel mean of the embedding), nearest-upsampled 64² → 256².
      node('ReduceMean', ['image_embeddings'], ['emb_mean'], { axes: [1], keepdims: 1 }), // opset 17: axes is an attribute here (an input only for ReduceSum)
      node('Tanh', ['emb_mean'], ['emb_tanh']),
      node('Resize', ['emb_tanh', '', 'up4'], ['emb_up'], { mode: 'nearest' }),
      node('Mul', ['emb_up', 'emb_weight'], ['emb_term']),
      node('Add', ['disk', 'emb_term'], ['logits_a']),
      // + has_mask_input · mask_input.
      node('Reshape', ['has_mask_input', 'shape_flag'], ['flag']),
      node('Mul', ['mask_input', 'flag'], ['mask_term']),
      node('Add', ['logits_a', 'mask_term'], ['low_res_masks']),
      // SAM's mask_postprocessing: upscale to 1024², crop the padding, resize to orig_im_size.
      node('Resize', ['low_res_masks', '', '', 'full_size'], ['up_full'], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }),
      node('ReduceMax', ['orig_im_size'], ['long_side'], { keepdims: 0 }),
      node('Div', ['input_side', 'long_side'], ['scale']),
      node('Mul', ['orig_im_size', 'scale'], ['prepad_f']),
      node('Add', ['prepad_f', 'half'], ['prepad_r']),
      node('Floor', ['prepad_r'], ['prepad_fl']),
      node('Cast', ['prepad_fl'], ['prepad'], { to: INT64 }),
      node('Slice', ['up_full', 'crop_starts', 'prepad', 'crop_axes'], ['cropped']),
      node('Cast', ['orig_im_size'], ['orig_hw'], { to: INT64 }),
      node('Concat', ['batch_and_masks', 'orig_hw'], ['out_size'], { axis: 0 }),
      node('Resize', ['cropped', '', '', 'out_size'], ['masks'], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }),
      // iou = base + 0.01 · centre.x / 1024.
      node('Reshape', ['cx', 'shape_scalar2'], ['cx2']),
      node('Mul', ['cx2', 'iou_slope'], ['iou_shift']),
      node('Add', ['iou_base', 'iou_shift'], ['iou_predictions']),
    ],
  });
}

/**
 * Writes `encoder.onnx` and `decoder.onnx` into `dir` (created if needed).
 * @param {string} dir
 * @returns {{ encoderPath: string, decoderPath: string }}
 */
export function writeSamTestModels(dir) {
  mkdirSync(dir, { recursive: true });
  const encoderPath = join(dir, 'encoder.onnx');
  const decoderPath = join(dir, 'decoder.onnx');
  writeFileSync(encoderPath, samTestEncoder());
  writeFileSync(decoderPath, samTestDecoder());
  return { encoderPath, decoderPath };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/onnx/sam-test-models.mjs <out-dir>');
    process.exit(2);
  }
  const { encoderPath, decoderPath } = writeSamTestModels(dir);
  console.log(`wrote ${encoderPath}\nwrote ${decoderPath}`);
}
