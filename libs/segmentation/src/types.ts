/**
 * The segmentation contract shared by every engine (embedded, SAM) and every consumer
 * (the segmenter service, the CLI, the agent). Rasters are row-major, one byte a pixel.
 */
import type { RgbImage } from '@pertouch/imaging';

/** The fixed vocabulary language can name (issue 3); COCO names may appear as well. */
export const REGION_LABELS = [
  'sky', 'cloud', 'water', 'vegetation', 'ground', 'road', 'building',
  'person', 'face', 'skin', 'hair', 'animal', 'vehicle', 'subject', 'background',
] as const;
export type VocabularyLabel = (typeof REGION_LABELS)[number];

/** Tonal pseudo-regions: soft luminance-range masks, available by label, not in the raster. */
export const TONAL_LABELS = ['shadows', 'highlights'] as const;
export type TonalLabel = (typeof TONAL_LABELS)[number];

/** Inclusive-exclusive pixel box: x0 ≤ x < x1, y0 ≤ y < y1. */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface RegionInfo {
  /** The region's id in the label raster (0..255). */
  readonly id: number;
  /** Pixel count at the raster's resolution. */
  readonly area: number;
  readonly bbox: Box;
  readonly centroid: { readonly x: number; readonly y: number };
  /** A vocabulary label, or a COCO object name where a detector named it. */
  readonly label: string;
  /** 0..1: how sure the engine is of the label. */
  readonly confidence: number;
  /** Which engine (and model) produced the label, e.g. "embedded", "embedded+isnet", "sam". */
  readonly engine: string;
}

/** A label raster plus its region table. Every pixel belongs to exactly one listed region. */
export interface LabelledSegmentation {
  readonly width: number;
  readonly height: number;
  readonly labels: Uint8Array;
  readonly regions: readonly RegionInfo[];
  /** Engine name and version, e.g. "embedded@1"; part of the segmenter's cache key. */
  readonly engine: string;
  /** Labels this engine could not produce because an optional model is absent. */
  readonly unavailable: readonly string[];
}

/** A soft mask: 0 = outside, 255 = inside, at the image's resolution. */
export interface Mask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type Prompt =
  | { readonly kind: 'point'; readonly x: number; readonly y: number; readonly positive?: boolean }
  | { readonly kind: 'points'; readonly points: readonly { x: number; y: number; positive: boolean }[] }
  | { readonly kind: 'box'; readonly box: Box }
  | { readonly kind: 'label'; readonly word: string };

/**
 * What an optional "thing" model reports: a named object with a soft mask and/or a box,
 * in the image's pixel coordinates. The labeller turns these into region labels.
 */
export interface ThingDetection {
  readonly label: string;
  readonly confidence: number;
  readonly box?: Box;
  /** Soft mask at any resolution aligned to the whole image (resampled as needed). */
  readonly mask?: Mask;
}

/** A port around one optional model (ISNet, selfie, blazeface, a COCO detector…). */
export interface ThingDetector {
  /** e.g. "isnet", "selfie", "blazeface", "nanodet". */
  readonly name: string;
  /** The labels it can produce, so the engine can say which are unavailable without it. */
  readonly labels: readonly string[];
  detect(image: RgbImage): Promise<ThingDetection[]>;
}

export interface SegmentationEngine {
  /** "embedded" | "sam" */
  readonly name: string;
  /** Bumped whenever output for the same input may change; part of cache keys. */
  readonly version: string;
  segmentAuto(image: RgbImage): Promise<LabelledSegmentation>;
  segmentPrompt(image: RgbImage, prompt: Prompt): Promise<Mask>;
}
