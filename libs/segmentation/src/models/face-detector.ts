/**
 * BlazeFace (MediaPipe, the 256×256 "back"/full-range variant shipped in
 * @vladmandic/human): face boxes with confidence.
 *
 * Input [1, 256, 256, 3] RGB mapped to −1..1 (v / 127.5 − 1); here the image is
 * letterboxed (aspect kept, centred, black padding) so faces are not squashed.
 * Outputs: per anchor one logit and 16 regressors (box centre offset x, y and size
 * w, h in input pixels, then 6 keypoints), for 896 anchors: a 16×16 grid (stride 16)
 * with 2 anchors a cell, then an 8×8 grid (stride 32) with 6 — either as one
 * [1, 896, 17] tensor or as four tensors [1, 512, 1], [1, 512, 16], [1, 384, 1], [1, 384, 16].
 */
import type { RgbImage } from '@pertouch/imaging';
import type { ThingDetection, ThingDetector } from '../types.js';
import { letterbox, mapInPlace, nonMaxSuppression, resizeRgbToFloat, sigmoid, toPixelBox, type Placement } from './image-ops.js';
import type { Tensor, TensorPort } from './tensor-port.js';

export const BLAZEFACE_SIZE = 256;
export const FACE_LABELS = ['face'] as const;

/** Anchor centres in input pixels, in the model's output order. */
export function blazefaceAnchors(size = BLAZEFACE_SIZE): { x: number; y: number }[] {
  const anchors: { x: number; y: number }[] = [];
  for (const [stride, perCell] of [[size / 16, 2], [size / 8, 6]] as const) {
    const cells = Math.ceil(size / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < perCell; n++) anchors.push({ x: stride * (gx + 0.5), y: stride * (gy + 0.5) });
      }
    }
  }
  return anchors;
}

export function faceInput(image: RgbImage, size = BLAZEFACE_SIZE): { input: Tensor; place: Placement } {
  const place = letterbox(image.width, image.height, size);
  const data = mapInPlace(resizeRgbToFloat(image, size, size, place, 0), (v) => v / 127.5 - 1);
  return { input: { shape: [1, size, size, 3], data }, place };
}

/** Joins the model's outputs into rows of [logit, dx, dy, w, h, …] in anchor order. */
export function blazefaceRows(outputs: readonly Tensor[], anchorCount: number): { rows: Float32Array; width: number } {
  if (outputs.length === 1) {
    const [t] = outputs;
    const width = t.shape[t.shape.length - 1];
    if (t.data.length !== anchorCount * width || width < 5) throw new Error(`blazeface output [${t.shape.join(', ')}] does not match ${anchorCount} anchors`);
    return { rows: t.data, width };
  }
  // Split outputs: group by anchor count; 1 column = logits, the other = regressors.
  const groups = new Map<number, { scores?: Tensor; regs?: Tensor }>();
  for (const t of outputs) {
    const n = t.shape[1];
    const cols = t.shape[t.shape.length - 1];
    const g = groups.get(n) ?? {};
    if (cols === 1) g.scores = t;
    else g.regs = t;
    groups.set(n, g);
  }
  const order = [...groups.keys()].sort((a, b) => b - a); // the stride-16 block (more anchors) comes first
  const regCols = groups.get(order[0])?.regs?.shape.at(-1) ?? 0;
  const width = 1 + regCols;
  if (order.reduce((a, n) => a + n, 0) !== anchorCount || regCols < 4) throw new Error('blazeface outputs do not match the anchors');
  const rows = new Float32Array(anchorCount * width);
  let r = 0;
  for (const n of order) {
    const { scores, regs } = groups.get(n)!;
    if (!scores || !regs) throw new Error('blazeface outputs are incomplete');
    for (let i = 0; i < n; i++, r++) {
      rows[r * width] = scores.data[i];
      rows.set(regs.data.subarray(i * regCols, (i + 1) * regCols), r * width + 1);
    }
  }
  return { rows, width };
}

export interface FaceOptions {
  /** Minimum face probability; default 0.6. */
  readonly minConfidence?: number;
  /** IoU above which overlapping faces are merged; default 0.3. */
  readonly iouThreshold?: number;
  readonly maxFaces?: number;
}

/** Decodes the outputs into 'face' boxes in image pixels. */
export function faceDetections(
  outputs: readonly Tensor[],
  place: Placement,
  image: { width: number; height: number },
  options: FaceOptions = {},
  size = BLAZEFACE_SIZE,
): ThingDetection[] {
  const anchors = blazefaceAnchors(size);
  const { rows, width } = blazefaceRows(outputs, anchors.length);
  const min = options.minConfidence ?? 0.6;
  const sx = image.width / place.width;
  const sy = image.height / place.height;
  const candidates: { box: NonNullable<ThingDetection['box']>; score: number }[] = [];
  for (let i = 0; i < anchors.length; i++) {
    const o = i * width;
    const score = sigmoid(rows[o]);
    if (score < min) continue;
    const cx = rows[o + 1] + anchors[i].x;
    const cy = rows[o + 2] + anchors[i].y;
    const w = rows[o + 3];
    const h = rows[o + 4];
    const box = toPixelBox(
      (cx - w / 2 - place.x) * sx, (cy - h / 2 - place.y) * sy,
      (cx + w / 2 - place.x) * sx, (cy + h / 2 - place.y) * sy,
      image.width, image.height,
    );
    if (box) candidates.push({ box, score });
  }
  return nonMaxSuppression(candidates, options.iouThreshold ?? 0.3, { maxKept: options.maxFaces ?? 50 })
    .map((c) => ({ label: 'face', confidence: Math.round(c.score * 1000) / 1000, box: c.box }));
}

export function createFaceDetector(port: TensorPort, options: FaceOptions = {}): ThingDetector {
  return {
    name: 'blazeface',
    labels: FACE_LABELS,
    async detect(image: RgbImage): Promise<ThingDetection[]> {
      const { input, place } = faceInput(image);
      return faceDetections(await port.run(input), place, image, options);
    },
  };
}
