/**
 * SAM's mask post-processing (SamOnnxModel.mask_postprocessing / Sam.postprocess_masks)
 * done in TypeScript on the decoder's `low_res_masks`, for one chosen mask:
 *
 *   256² logits → bilinear to the 1024² frame → crop to the image's part of the frame
 *   (the padding is cut) → bilinear to the output size.
 *
 * Both resizes are PyTorch's bilinear with align_corners=False (half-pixel centres,
 * clamped at the edges). Each is linear and separable, so their composition is too: every
 * output column (row) is a fixed blend of at most 3 adjacent low-res columns (rows).
 * Computing it this way costs (lowH + outH) · outW · 3 multiply-adds and never builds the
 * 1024² intermediate — and only for the mask actually used, instead of the decoder
 * upscaling all of its masks to full resolution.
 */
import type { Size } from './sam-model.js';

/**
 * Source position of destination index `i` in a half-pixel bilinear resize from `inSize`
 * to `outSize` samples: (i + 0.5) · inSize / outSize − 0.5, clamped at 0 (PyTorch).
 */
export function halfPixelSource(i: number, inSize: number, outSize: number): number {
  return Math.max(0, ((i + 0.5) * inSize) / outSize - 0.5);
}

/** Per output index: the first low-res index it reads and 3 weights for it and the next two. */
export interface CompositeTaps {
  readonly first: Int32Array;
  readonly weights: Float32Array;
}

/**
 * The 1-D taps of "resize lowSize → frameSize, keep the first cropSize, resize to
 * outSize", both resizes half-pixel bilinear.
 */
export function compositeTaps(lowSize: number, frameSize: number, cropSize: number, outSize: number): CompositeTaps {
  const first = new Int32Array(outSize);
  const weights = new Float32Array(outSize * 3);
  for (let o = 0; o < outSize; o++) {
    const u = halfPixelSource(o, cropSize, outSize);
    const u0 = Math.floor(u);
    const u1 = Math.min(u0 + 1, cropSize - 1);
    const fu = u - u0;
    const base = Math.floor(halfPixelSource(u0, lowSize, frameSize));
    first[o] = base;
    // Each frame sample u_k is itself a blend of two low-res samples.
    for (const [uk, wk] of [[u0, 1 - fu], [u1, fu]] as const) {
      const s = halfPixelSource(uk, lowSize, frameSize);
      const s0 = Math.floor(s);
      const s1 = Math.min(s0 + 1, lowSize - 1);
      const fs = s - s0;
      weights[3 * o + (s0 - base)] += wk * (1 - fs);
      weights[3 * o + (s1 - base)] += wk * fs;
    }
  }
  return { first, weights };
}

/**
 * One low-res mask (lowW × lowH logits at `offset` of `lowRes`, covering the whole
 * frameSide² frame) post-processed to `output`, where the image occupies the top-left
 * `crop` of the frame (preprocess.ts resizedSizeOf).
 */
export function upsampleLowResMask(lowRes: Float32Array, offset: number, low: Size, frameSide: number, crop: Size, output: Size): Float32Array {
  const { width: W, height: H } = output;
  const cols = compositeTaps(low.width, frameSide, crop.width, W);
  const rows = compositeTaps(low.height, frameSide, crop.height, H);
  // Horizontal pass over only the low-res rows the vertical pass reads.
  const lastRow = Math.min(low.height - 1, rows.first[H - 1] + 2);
  const horizontal = new Float32Array((lastRow + 1) * W);
  for (let r = rows.first[0]; r <= lastRow; r++) {
    const src = offset + r * low.width;
    const dst = r * W;
    for (let x = 0; x < W; x++) {
      const c = src + cols.first[x], k = 3 * x;
      const c1 = Math.min(c + 1, src + low.width - 1), c2 = Math.min(c + 2, src + low.width - 1);
      horizontal[dst + x] = lowRes[c] * cols.weights[k] + lowRes[c1] * cols.weights[k + 1] + lowRes[c2] * cols.weights[k + 2];
    }
  }
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const r = rows.first[y], k = 3 * y;
    const a = r * W, b = Math.min(r + 1, lastRow) * W, c = Math.min(r + 2, lastRow) * W;
    const wa = rows.weights[k], wb = rows.weights[k + 1], wc = rows.weights[k + 2];
    const o = y * W;
    for (let x = 0; x < W; x++) out[o + x] = horizontal[a + x] * wa + horizontal[b + x] * wb + horizontal[c + x] * wc;
  }
  return out;
}
