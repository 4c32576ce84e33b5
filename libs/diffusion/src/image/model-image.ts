/**
 * Pixels in and out of the model, as the original PerTouch code prepares them
 * (retouch_interface.py): the photo resized to 512 × 512 whatever its aspect ratio
 * (torchvision Resize((512, 512)), bicubic there, area-average here when shrinking —
 * both low-pass the image before sampling), scaled to [-1, 1] (ToTensor, x · 2 − 1),
 * planar CHW; the VAE decoder's output goes back through x / 2 + 0.5, clamped to [0, 1]
 * (diffusers VaeImageProcessor.postprocess).
 */
import { resizeRgb, type RgbImage } from '@pertouch/imaging';
import { IMAGE_SIDE } from '../model-set/spec.js';
import type { UnitRgbImage } from '../transfer/colour-grid.js';

/** The photo as the VAE encoder takes it: 3 × 512 × 512, planar, in [-1, 1]. */
export function toModelImage(image: RgbImage): Float32Array {
  const resized = resizeRgb(image, IMAGE_SIDE, IMAGE_SIDE); // 0..255 whatever the bit depth
  const plane = IMAGE_SIDE * IMAGE_SIDE;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = resized.data[i * 3 + c] / 127.5 - 1;
  }
  return out;
}

/** A decoder output (3 × 512 × 512 planar, nominally [-1, 1]) as interleaved 0..1 RGB, clamped. */
export function fromModelImage(planar: Float32Array): UnitRgbImage {
  const plane = IMAGE_SIDE * IMAGE_SIDE;
  if (planar.length !== 3 * plane) throw new RangeError(`expected 3 × ${IMAGE_SIDE} × ${IMAGE_SIDE} values, got ${planar.length}`);
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.min(1, Math.max(0, planar[c * plane + i] / 2 + 0.5));
  }
  return { width: IMAGE_SIDE, height: IMAGE_SIDE, data };
}

/** An interleaved 0..1 image as 8-bit RGB (for previews and debugging). */
export function unitToRgb8(image: UnitRgbImage): RgbImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, image.data[i])) * 255);
  return { width: image.width, height: image.height, data };
}
