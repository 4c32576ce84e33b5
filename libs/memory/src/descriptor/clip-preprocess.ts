/**
 * CLIP's image preprocessing (Hugging Face CLIPImageProcessor / OpenAI's `clip.load`
 * transform), as the scene model's input: resize the short side to S, centre-crop S × S,
 * scale to 0..1, normalise each channel with CLIP's mean and standard deviation, planar
 * float32 [1, 3, S, S].
 *
 * One difference, on purpose: the crop is taken first, on the source (the central
 * square of side min(width, height)), and that square is then resized to S × S — the same
 * pixels as resize-then-crop up to half a source pixel of rounding, without resizing the
 * parts the crop throws away. Shrinking is libs/imaging's exact area average (alias-free;
 * CLIP's bicubic is sharper but aliases on large downscales — the embeddings differ
 * slightly from Hugging Face's pipeline, not between our own images, which all take this
 * path); enlarging (a source smaller than S) is bilinear.
 */
import { resizeRgb, type FloatRgbImage, type RgbImage } from '@pertouch/imaging';

/** CLIP's per-channel mean (R, G, B) on the 0..1 scale (OpenAI's CLIP, every ViT/ResNet variant). */
export const CLIP_MEAN: readonly [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
/** CLIP's per-channel standard deviation (R, G, B) on the 0..1 scale. */
export const CLIP_STD: readonly [number, number, number] = [0.26862954, 0.26130258, 0.27577711];
/** The input side of CLIP ViT-B/32 and ViT-B/16 (and the default when a model leaves it symbolic). */
export const DEFAULT_SCENE_INPUT_SIZE = 224;

/** The central square of `image` (a copy; the image itself when already square). */
export function centreSquare<T extends RgbImage | FloatRgbImage>(image: T): T {
  const side = Math.min(image.width, image.height);
  if (image.width === side && image.height === side) return image;
  const left = Math.floor((image.width - side) / 2);
  const top = Math.floor((image.height - side) / 2);
  const source = image.data;
  const data = new (source.constructor as new (length: number) => typeof source)(side * side * 3);
  for (let y = 0; y < side; y++) {
    const from = ((top + y) * image.width + left) * 3;
    data.set(source.subarray(from, from + side * 3), y * side * 3);
  }
  return { width: side, height: side, data } as T;
}

/**
 * The model input for `image` (interleaved RGB: 8 or 16 bit, or floats on 0..255):
 * float32 planar [3, size, size], value (v / 255 − mean[c]) / std[c].
 */
export function clipPixelValues(image: RgbImage | FloatRgbImage, size: number = DEFAULT_SCENE_INPUT_SIZE): Float32Array {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`clipPixelValues: size must be a positive integer (got ${size})`);
  if (image.width < 1 || image.height < 1 || image.data.length !== image.width * image.height * 3) {
    throw new RangeError(`clipPixelValues: expected ${image.width}×${image.height}×3 samples (got ${image.data.length})`);
  }
  const rgb = resizeRgb(centreSquare(image), size, size).data; // 0..255 whatever the source depth
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * CLIP_STD[c]);
    const offset = CLIP_MEAN[c] / CLIP_STD[c];
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = rgb[i * 3 + c] * scale - offset;
  }
  return out;
}
