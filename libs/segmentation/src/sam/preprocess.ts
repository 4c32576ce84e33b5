/**
 * SAM's image preprocessing and the coordinate frames it implies.
 *
 * SAM (segment-anything's ResizeLongestSide + Sam.preprocess) resizes the image so its
 * longest side is 1024, normalises each channel with ImageNet statistics on the 0..255
 * scale, and zero-pads bottom/right to 1024². Prompt points are given to the decoder in
 * that resized ("model") frame; masks come back at the size asked for (`orig_im_size`).
 */
import type { RgbImage } from '@pertouch/imaging';
import { resizeRgb } from '@pertouch/imaging';
import type { Size } from './sam-model.js';

/** SAM's per-channel pixel mean (R, G, B) on the 0..255 scale. */
export const SAM_PIXEL_MEAN: readonly [number, number, number] = [123.675, 116.28, 103.53];
/** SAM's per-channel pixel standard deviation (R, G, B) on the 0..255 scale. */
export const SAM_PIXEL_STD: readonly [number, number, number] = [58.395, 57.12, 57.375];
/** The encoder input side of every SAM export (ViT-B/L/H, MobileSAM). */
export const SAM_INPUT_SIDE = 1024;

/**
 * The size of an image once its longest side is scaled to `longSide`, exactly as SAM's
 * ResizeLongestSide.get_preprocess_shape: each side × longSide / max(w, h), rounded half
 * up (never below 1 px, which SAM does not guard). The model frame of a prompt is this
 * size; also used for the automatic pass's reduced working size.
 */
export function resizedSizeOf(width: number, height: number, longSide: number): Size {
  const scale = longSide / Math.max(width, height);
  return { width: Math.max(1, Math.floor(width * scale + 0.5)), height: Math.max(1, Math.floor(height * scale + 0.5)) };
}

/** An image x (pixels, continuous) in the model frame: x · resizedWidth / width (SAM's apply_coords). */
export function toModelX(x: number, width: number, resizedWidth: number): number {
  return (x * resizedWidth) / width;
}

/** An image y (pixels, continuous) in the model frame: y · resizedHeight / height. */
export function toModelY(y: number, height: number, resizedHeight: number): number {
  return (y * resizedHeight) / height;
}

/** The inverse of {@link toModelX}: a model-frame x back in image pixels. */
export function fromModelX(x: number, width: number, resizedWidth: number): number {
  return (x * width) / resizedWidth;
}

/** The inverse of {@link toModelY}: a model-frame y back in image pixels. */
export function fromModelY(y: number, height: number, resizedHeight: number): number {
  return (y * height) / resizedHeight;
}

/** SAM's normalisation of one sample of channel c (0..255 scale): (v − mean[c]) / std[c]. */
export function normaliseSample(value: number, channel: number): number {
  return (value - SAM_PIXEL_MEAN[channel]) / SAM_PIXEL_STD[channel];
}

/**
 * The encoder's input: float32 [1, 3, side, side], planar RGB. The image is resized to
 * {@link resizedSizeOf} (area average when shrinking — alias-free like PIL's antialiased
 * bilinear that SAM uses; bilinear when enlarging), normalised with
 * {@link normaliseSample}, and the rest of the square stays 0 (SAM pads after
 * normalising, so padding equals the pixel mean).
 */
export function encoderInput(image: RgbImage, side: number = SAM_INPUT_SIDE): Float32Array {
  const size = resizedSizeOf(image.width, image.height, side);
  const rgb = resizeRgb(image, size.width, size.height).data;
  const plane = side * side;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const mean = SAM_PIXEL_MEAN[c];
    const invStd = 1 / SAM_PIXEL_STD[c];
    const base = c * plane;
    for (let y = 0; y < size.height; y++) {
      const row = base + y * side;
      let src = y * size.width * 3 + c;
      for (let x = 0; x < size.width; x++, src += 3) out[row + x] = (rgb[src] - mean) * invStd;
    }
  }
  return out;
}
