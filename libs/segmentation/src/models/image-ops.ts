/**
 * Pre- and post-processing shared by the model adapters: resizing an RgbImage into a
 * model's input, resampling soft masks, box geometry and non-maximum suppression.
 * Pure functions on typed arrays, so every step is unit-tested without a model.
 */
import type { RgbImage } from '@pertouch/imaging';
import type { Box, Mask } from '../types.js';

/** Where an image was drawn inside a model's input canvas (input pixels). */
export interface Placement {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Box-averages `image` by an integer factor k (partial blocks at the right and bottom
 * edges average what they hold). Values on the 0..255 scale whatever the bit depth.
 */
function boxReduce(image: RgbImage, k: number): { width: number; height: number; data: Float32Array } {
  const { width: w, height: h, data } = image;
  const scale = data instanceof Uint16Array ? 255 / 65535 : 1;
  const rw = Math.ceil(w / k);
  const rh = Math.ceil(h / k);
  const sums = new Float64Array(rw * rh * 3);
  const counts = new Uint32Array(rw * rh);
  const col = new Int32Array(w);
  for (let x = 0; x < w; x++) col[x] = Math.floor(x / k);
  for (let y = 0; y < h; y++) {
    const ry = Math.floor(y / k) * rw;
    let i = y * w * 3;
    for (let x = 0; x < w; x++, i += 3) {
      const r = ry + col[x];
      const o = r * 3;
      sums[o] += data[i];
      sums[o + 1] += data[i + 1];
      sums[o + 2] += data[i + 2];
      counts[r]++;
    }
  }
  const out = new Float32Array(rw * rh * 3);
  for (let r = 0; r < rw * rh; r++) {
    const f = scale / counts[r];
    out[r * 3] = sums[r * 3] * f;
    out[r * 3 + 1] = sums[r * 3 + 1] * f;
    out[r * 3 + 2] = sums[r * 3 + 2] * f;
  }
  return { width: rw, height: rh, data: out };
}

/**
 * Resizes `image` (bilinear, pixel centres aligned, i.e. align_corners = false) into
 * the rectangle `place` of an interleaved RGB float canvas of canvasW × canvasH,
 * on the 0..255 scale (16-bit input is scaled down). Pixels outside `place` keep `fill`.
 * When shrinking by 2× or more, the image is first box-averaged by the integer factor,
 * so a 12 MP photo does not alias into a 256² input.
 */
export function resizeRgbToFloat(
  image: RgbImage,
  canvasW: number,
  canvasH: number,
  place: Placement = { x: 0, y: 0, width: canvasW, height: canvasH },
  fill = 0,
): Float32Array {
  const out = new Float32Array(canvasW * canvasH * 3).fill(fill);
  const k = Math.floor(Math.min(image.width / place.width, image.height / place.height));
  let src: { width: number; height: number; data: Float32Array | Uint8Array | Uint16Array };
  let srcScale = 1;
  let factor = 1;
  if (k >= 2) {
    src = boxReduce(image, k);
    factor = k;
  } else {
    src = image;
    srcScale = image.data instanceof Uint16Array ? 255 / 65535 : 1;
  }
  const sw = src.width;
  const sh = src.height;
  const sd = src.data;
  const fx = image.width / place.width;
  const fy = image.height / place.height;
  for (let y = 0; y < place.height; y++) {
    const oy = place.y + y;
    if (oy < 0 || oy >= canvasH) continue;
    // Source coordinate in original pixels, then in reduced pixels (block centres at (j + 0.5)k).
    const syo = (y + 0.5) * fy - 0.5;
    let sy = (syo + 0.5) / factor - 0.5;
    sy = Math.min(Math.max(sy, 0), sh - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const dy = sy - y0;
    for (let x = 0; x < place.width; x++) {
      const ox = place.x + x;
      if (ox < 0 || ox >= canvasW) continue;
      const sxo = (x + 0.5) * fx - 0.5;
      let sx = (sxo + 0.5) / factor - 0.5;
      sx = Math.min(Math.max(sx, 0), sw - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const dx = sx - x0;
      const a = (y0 * sw + x0) * 3;
      const b = (y0 * sw + x1) * 3;
      const c = (y1 * sw + x0) * 3;
      const d = (y1 * sw + x1) * 3;
      const o = (oy * canvasW + ox) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = sd[a + ch] + (sd[b + ch] - sd[a + ch]) * dx;
        const bottom = sd[c + ch] + (sd[d + ch] - sd[c + ch]) * dx;
        out[o + ch] = (top + (bottom - top) * dy) * srcScale;
      }
    }
  }
  return out;
}

/** Where a w × h image goes when letterboxed (aspect kept, centred) into size × size. */
export function letterbox(w: number, h: number, size: number): Placement {
  const s = size / Math.max(w, h);
  const width = Math.max(1, Math.round(w * s));
  const height = Math.max(1, Math.round(h * s));
  return { x: Math.floor((size - width) / 2), y: Math.floor((size - height) / 2), width, height };
}

/** Interleaved HWC (3 channels) → planar CHW, applying `map` to every value. */
export function hwcToChw(hwc: Float32Array, width: number, height: number, map: (v: number) => number): Float32Array {
  const n = width * height;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i] = map(hwc[i * 3]);
    out[i + n] = map(hwc[i * 3 + 1]);
    out[i + 2 * n] = map(hwc[i * 3 + 2]);
  }
  return out;
}

/** Applies `map` to every value in place and returns the array. */
export function mapInPlace(values: Float32Array, map: (v: number) => number): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = map(values[i]);
  return values;
}

/** A float map of probabilities (0..1) → a soft Mask (0..255), clamped and rounded. */
export function probabilitiesToMask(values: Float32Array, width: number, height: number): Mask {
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const v = values[i];
    data[i] = v >= 1 ? 255 : v > 0 ? Math.round(v * 255) : 0;
  }
  return { width, height, data };
}

/** Resamples a soft mask to width × height (bilinear, pixel centres aligned). */
export function resampleMask(mask: Mask, width: number, height: number): Mask {
  if (mask.width === width && mask.height === height) return { width, height, data: mask.data.slice() };
  const data = new Uint8Array(width * height);
  const fx = mask.width / width;
  const fy = mask.height / height;
  const md = mask.data;
  const mw = mask.width;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.max((y + 0.5) * fy - 0.5, 0), mask.height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, mask.height - 1);
    const dy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(Math.max((x + 0.5) * fx - 0.5, 0), mw - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, mw - 1);
      const dx = sx - x0;
      const top = md[y0 * mw + x0] + (md[y0 * mw + x1] - md[y0 * mw + x0]) * dx;
      const bottom = md[y1 * mw + x0] + (md[y1 * mw + x1] - md[y1 * mw + x0]) * dx;
      data[y * width + x] = Math.round(top + (bottom - top) * dy);
    }
  }
  return { width, height, data };
}

/** Size for a mask aligned to a w × h image: the image's aspect, long side at most maxSide. */
export function maskSizeFor(w: number, h: number, maxSide: number): { width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) };
}

/** Statistics of a soft mask: the fraction of pixels ≥ 128, and the mean confidence of the call. */
export function maskStats(mask: Mask): { area: number; contrast: number; meanInside: number } {
  let inside = 0;
  let sumInside = 0;
  let contrast = 0;
  for (let i = 0; i < mask.data.length; i++) {
    const v = mask.data[i];
    if (v >= 128) {
      inside++;
      sumInside += v;
    }
    contrast += Math.abs(v - 127.5) / 127.5;
  }
  const n = mask.data.length || 1;
  return { area: inside / n, contrast: contrast / n, meanInside: inside > 0 ? sumInside / inside / 255 : 0 };
}

/** A float box (any coordinates) → an integer inclusive-exclusive pixel Box clamped to w × h; null if empty. */
export function toPixelBox(x0: number, y0: number, x1: number, y1: number, w: number, h: number): Box | null {
  const bx0 = Math.max(0, Math.min(w, Math.floor(Math.min(x0, x1))));
  const by0 = Math.max(0, Math.min(h, Math.floor(Math.min(y0, y1))));
  const bx1 = Math.max(0, Math.min(w, Math.ceil(Math.max(x0, x1))));
  const by1 = Math.max(0, Math.min(h, Math.ceil(Math.max(y0, y1))));
  if (bx1 <= bx0 || by1 <= by0) return null;
  return { x0: bx0, y0: by0, x1: bx1, y1: by1 };
}

/** Intersection over union of two boxes (same coordinate system). */
export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const iy = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = ix * iy;
  const union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy non-maximum suppression: highest score first, dropping any candidate whose IoU
 * with a kept one exceeds `iouThreshold`. With `byLabel`, only same-label boxes compete.
 */
export function nonMaxSuppression<T extends { readonly box: Box; readonly score: number; readonly label?: string }>(
  candidates: readonly T[],
  iouThreshold: number,
  options: { byLabel?: boolean; maxKept?: number } = {},
): T[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const c of sorted) {
    if (options.maxKept !== undefined && kept.length >= options.maxKept) break;
    const clash = kept.some((k) => (!options.byLabel || k.label === c.label) && iou(k.box, c.box) > iouThreshold);
    if (!clash) kept.push(c);
  }
  return kept;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
