/**
 * MB3-CenterNet (TFJS graph shipped in @vladmandic/human): COCO objects with boxes.
 *
 * Input `tower_0/images` [1, 512, 512, 3] RGB on the 0..255 scale (the graph normalises
 * internally). The human library stretches the image to 512²; here it is letterboxed
 * (aspect kept, centred, mid-grey padding), which on the sample photos scored the right
 * class higher (Chelsea: cat 0.44 vs "dog" when stretched; Kleiber: bird 0.44). Output
 * `tower_0/detections` [1, 100, 6]: x0, y0, x1, y1 in input pixels, score, class index
 * (0-based into the 80 COCO names). Kept: score ≥ 0.35, then per-class NMS.
 */
import type { RgbImage } from '@pertouch/imaging';
import type { ThingDetection, ThingDetector } from '../types.js';
import { COCO_LABELS } from './coco-labels.js';
import { letterbox, nonMaxSuppression, resizeRgbToFloat, toPixelBox, type Placement } from './image-ops.js';
import type { Tensor, TensorPort } from './tensor-port.js';

export const CENTERNET_SIZE = 512;
export const CENTERNET_OUTPUT = 'tower_0/detections';
export const COCO_DETECTOR_LABELS: readonly string[] = COCO_LABELS;

/** Padding value of the letterbox, on the 0..255 scale. */
export const CENTERNET_PAD = 127;

export function cocoInput(image: RgbImage, size = CENTERNET_SIZE): { input: Tensor; place: Placement } {
  const place = letterbox(image.width, image.height, size);
  return { input: { shape: [1, size, size, 3], data: resizeRgbToFloat(image, size, size, place, CENTERNET_PAD) }, place };
}

export interface CocoOptions {
  /** Minimum score; default 0.35. */
  readonly minScore?: number;
  /** IoU above which same-class boxes are merged; default 0.5. */
  readonly iouThreshold?: number;
  readonly maxDetections?: number;
}

/** Decodes [1, N, 6] detections (input-pixel boxes inside `place`) into labelled boxes in image pixels. */
export function cocoDetections(
  output: Tensor,
  place: Placement,
  image: { width: number; height: number },
  options: CocoOptions = {},
): ThingDetection[] {
  const cols = output.shape[output.shape.length - 1];
  if (cols !== 6 || output.data.length % 6 !== 0) throw new Error(`COCO detector output has an unexpected shape [${output.shape.join(', ')}]`);
  const min = options.minScore ?? 0.35;
  const sx = image.width / place.width;
  const sy = image.height / place.height;
  const candidates: { box: NonNullable<ThingDetection['box']>; score: number; label: string }[] = [];
  for (let o = 0; o < output.data.length; o += 6) {
    const score = output.data[o + 4];
    const cls = Math.round(output.data[o + 5]);
    if (!(score >= min) || !Number.isInteger(cls) || cls < 0 || cls >= COCO_LABELS.length) continue;
    const box = toPixelBox(
      (output.data[o] - place.x) * sx, (output.data[o + 1] - place.y) * sy,
      (output.data[o + 2] - place.x) * sx, (output.data[o + 3] - place.y) * sy,
      image.width, image.height,
    );
    if (box) candidates.push({ box, score, label: COCO_LABELS[cls] });
  }
  return nonMaxSuppression(candidates, options.iouThreshold ?? 0.5, { byLabel: true, maxKept: options.maxDetections ?? 50 })
    .map((c) => ({ label: c.label, confidence: Math.round(c.score * 1000) / 1000, box: c.box }));
}

export function createCocoDetector(port: TensorPort, options: CocoOptions = {}): ThingDetector {
  return {
    name: 'centernet',
    labels: COCO_DETECTOR_LABELS,
    async detect(image: RgbImage): Promise<ThingDetection[]> {
      const { input, place } = cocoInput(image);
      const [out] = await port.run(input);
      return cocoDetections(out, place, image, options);
    },
  };
}
