import { describe, expect, it } from 'vitest';
import { SegmentationError } from '../errors.js';
import { checkSamLayout } from './onnx-layout.js';
import type { ValueMeta } from './onnx-layout.js';

const t = (name: string, shape: (number | string)[]): ValueMeta => ({ name, isTensor: true, type: 'float32', shape });

const encoder = { inputs: [t('image', [1, 3, 1024, 1024])], outputs: [t('image_embeddings', [1, 256, 64, 64])] };
const decoderInputs = [
  t('image_embeddings', [1, 256, 64, 64]), t('point_coords', [1, 'num_points', 2]), t('point_labels', [1, 'num_points']),
  t('mask_input', [1, 1, 256, 256]), t('has_mask_input', [1]), t('orig_im_size', [2]),
];
const decoderOutputs = [t('masks', [1, 4, 'h', 'w']), t('iou_predictions', [1, 4]), t('low_res_masks', [1, 4, 256, 256])];
const decoder = { inputs: decoderInputs, outputs: decoderOutputs };

function errorOf(fn: () => unknown): SegmentationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SegmentationError) return error;
  }
  throw new Error('expected a SegmentationError');
}

describe('checkSamLayout', () => {
  it('accepts the standard export and reports its layout', () => {
    expect(checkSamLayout(encoder, decoder)).toEqual({
      encoderInput: 'image', encoderOutput: 'image_embeddings', inputSide: 1024, maskInputDims: [1, 1, 256, 256], fixedPointCount: undefined,
      hasLowResMasks: true,
    });
    expect(checkSamLayout(encoder, { inputs: decoderInputs, outputs: decoderOutputs.slice(0, 2) }).hasLowResMasks).toBe(false);
  });
  it('accepts samexporter’s input_image and a fixed point count', () => {
    const layout = checkSamLayout(
      { inputs: [t('input_image', [1, 3, 1024, 1024])], outputs: [t('image_embeddings', [1, 256, 64, 64])] },
      { inputs: decoderInputs.map((m) => (m.name === 'point_coords' ? t('point_coords', [1, 5, 2]) : m)), outputs: decoderOutputs },
    );
    expect(layout.encoderInput).toBe('input_image');
    expect(layout.fixedPointCount).toBe(5);
  });
  it('names a missing decoder input', () => {
    const e = errorOf(() => checkSamLayout(encoder, { inputs: decoderInputs.filter((m) => m.name !== 'point_labels'), outputs: decoderOutputs }));
    expect(e.code).toBe('model_invalid');
    expect(e.message).toContain('point_labels');
  });
  it('names a missing decoder output and a missing encoder input', () => {
    expect(errorOf(() => checkSamLayout(encoder, { inputs: decoderInputs, outputs: decoderOutputs.slice(1) })).message).toContain('"masks"');
    const e = errorOf(() => checkSamLayout({ inputs: [t('pixels', [1, 3, 1024, 1024])], outputs: encoder.outputs }, decoder));
    expect(e.message).toContain('"image" or "input_image"');
    expect(e.message).toContain('pixels');
  });
  it('rejects mismatched shapes and types', () => {
    const badEmbedding = { inputs: encoder.inputs, outputs: [t('image_embeddings', [1, 128, 64, 64])] };
    expect(errorOf(() => checkSamLayout(badEmbedding, decoder)).message).toContain('decoder image_embeddings has shape [1, 256, 64, 64], expected [1, 128, 64, 64]');
    const hwc = { inputs: [t('input_image', ['h', 'w', 3])], outputs: encoder.outputs };
    expect(errorOf(() => checkSamLayout(hwc, decoder)).message).toContain('--use-preprocess');
    const intSize = { inputs: decoderInputs.map((m) => (m.name === 'orig_im_size' ? { ...m, type: 'int64' } : m)), outputs: decoderOutputs };
    expect(errorOf(() => checkSamLayout(encoder, intSize)).message).toContain('orig_im_size must be a float32 tensor');
  });
});
