/**
 * Names the regions of a label raster (placeholder: geometry only; the real labeller —
 * colour, texture, position, connectivity plus optional thing detections — replaces it).
 */
import type { RgbImage } from '@pertouch/imaging';
import { regionGeometry } from '../region-stats.js';
import type { RegionInfo, ThingDetection } from '../types.js';

export interface LabelOptions {
  /** Detections from optional models, in image pixel coordinates. */
  readonly things?: readonly ThingDetection[];
  /** Recorded on every region, e.g. "sam" or "embedded". */
  readonly engine?: string;
}

/** `labels` is a width×height raster aligned with `image` (any resolution, same aspect). */
export function labelRegions(image: RgbImage, labels: Uint8Array, width: number, height: number, options: LabelOptions = {}): RegionInfo[] {
  void image;
  return regionGeometry(labels, width, height).map((g) => ({ ...g, label: 'background', confidence: 0, engine: options.engine ?? 'embedded' }));
}
