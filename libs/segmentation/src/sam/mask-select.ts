/**
 * Which of the decoder's masks to use, and how a chosen mask becomes a PerTouch Mask.
 */
import type { Mask } from '../types.js';
import type { SamDecoderResult } from './sam-model.js';

/** Mask count of segment-anything's decoder exported without --return-single-mask: 1 single-mask + 3 multimask outputs. */
export const SAM_FULL_MASK_COUNT = 4;

/**
 * The index of the mask to use, as SamOnnxModel.select_masks picks it when exported with
 * return_single_mask: with 4 masks, a prompt of ≤ 2 decoder points (one click + padding,
 * or a box) is ambiguous, so the best-scoring of the multimask outputs 1..3 wins; with
 * more points the single-mask output 0 is used. Any other mask count (a single-mask or a
 * multimask-only export): the best-scoring mask.
 */
export function chooseMaskIndex(scores: Float32Array, maskCount: number, decoderPointCount: number): number {
  if (maskCount === SAM_FULL_MASK_COUNT) return decoderPointCount <= 2 ? argmax(scores, 1, maskCount) : 0;
  return argmax(scores, 0, maskCount);
}

/** The index of the largest value in scores[from..to); the first one on ties. */
function argmax(scores: Float32Array, from: number, to: number): number {
  let best = from;
  for (let i = from + 1; i < to; i++) if (scores[i] > scores[best]) best = i;
  return best;
}

/** Mask `index` of a decoder result, thresholded at logit 0 (SAM's mask_threshold): 255 inside, 0 outside. */
export function binaryMask(result: SamDecoderResult, index: number): Mask {
  const logits = result.maskLogits(index);
  const data = new Uint8Array(result.width * result.height);
  for (let i = 0; i < data.length; i++) if (logits[i] > 0) data[i] = 255;
  return { width: result.width, height: result.height, data };
}
