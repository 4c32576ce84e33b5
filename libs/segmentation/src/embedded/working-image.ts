/**
 * The embedded engine works on an area-averaged copy of the photo (~1024 px long side):
 * large enough for object edges, small enough to segment a 12 MP photo in well under a
 * second. Lab planes are what superpixels and labels are computed from.
 */
import { downsampleArea, linearRgbToLab, srgbToLinear, type FloatRgbImage, type RgbImage } from '@pertouch/imaging';

/** Long side of the segmentation working image (issue 3: "~1024 px"). */
export const SEGMENT_LONG_SIDE = 1024;

export interface WorkingImage {
  readonly width: number;
  readonly height: number;
  /** Interleaved RGB on the 0..255 scale. */
  readonly rgb: Float32Array;
  /** CIELAB (D65) planes. */
  readonly L: Float32Array;
  readonly a: Float32Array;
  readonly b: Float32Array;
  /** Gradient magnitude of L* (central differences), the texture and edge cue. */
  readonly gradient: Float32Array;
  /** Gradient orientation in [0, π), for the straight-edge (building) cue. */
  readonly orientation: Float32Array;
}

/** Working size for an image: long side SEGMENT_LONG_SIDE (never upscaled), aspect kept. */
export function segmentWorkingSize(width: number, height: number, longSide = SEGMENT_LONG_SIDE): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export function prepareSegmentWorking(image: RgbImage | FloatRgbImage, longSide = SEGMENT_LONG_SIDE): WorkingImage {
  const size = segmentWorkingSize(image.width, image.height, longSide);
  const small = downsampleArea(image, size.width, size.height);
  return workingFromFloat(small);
}

/** Lab planes and gradients of an image already at working size (0..255 floats). */
export function workingFromFloat(image: FloatRgbImage): WorkingImage {
  const { width: W, height: H, data } = image;
  const n = W * H;
  const L = new Float32Array(n), A = new Float32Array(n), B = new Float32Array(n);
  const decode = new Float32Array(4097);
  for (let i = 0; i <= 4096; i++) decode[i] = srgbToLinear(i / 4096);
  const lab = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    // A 4096-step table is ample for segmentation cues (not for the scores).
    const r = decode[Math.round(data[3 * i] * (4096 / 255))];
    const g = decode[Math.round(data[3 * i + 1] * (4096 / 255))];
    const b = decode[Math.round(data[3 * i + 2] * (4096 / 255))];
    linearRgbToLab(r, g, b, lab);
    L[i] = lab[0];
    A[i] = lab[1];
    B[i] = lab[2];
  }
  const gradient = new Float32Array(n), orientation = new Float32Array(n);
  for (let y = 0; y < H; y++) {
    const ym = y > 0 ? y - 1 : y, yp = y < H - 1 ? y + 1 : y;
    for (let x = 0; x < W; x++) {
      const xm = x > 0 ? x - 1 : x, xp = x < W - 1 ? x + 1 : x;
      const gx = (L[y * W + xp] - L[y * W + xm]) / Math.max(1, xp - xm);
      const gy = (L[yp * W + x] - L[ym * W + x]) / Math.max(1, yp - ym);
      gradient[y * W + x] = Math.hypot(gx, gy);
      let t = Math.atan2(gy, gx);
      if (t < 0) t += Math.PI;
      orientation[y * W + x] = t >= Math.PI ? 0 : t;
    }
  }
  return { width: W, height: H, rgb: data, L, a: A, b: B, gradient, orientation };
}
