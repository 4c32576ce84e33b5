/**
 * F(image), the embedded scene descriptor "embedded-v1" (libs/memory/README.md): colour
 * statistics, a lightness histogram, a 3×3 colour layout, the label composition and the
 * image's four as-shot attribute values, each block standardised and weighted so that
 * none dominates, then L2-normalised. Pure: the caller decodes and segments the image.
 */
import {
  ATTRIBUTES,
  DEFAULT_CALIBRATION,
  normalizeScores,
  prepareImage,
  scoreImage,
  type CalibrationTable,
  type FloatRgbImage,
  type RgbImage,
  type Segmentation,
} from '@pertouch/imaging';
import type { SceneFeatures } from '../ports.js';
import { l2Normalize } from '../vector-math.js';
import { LABEL_FAMILIES, labelFamily } from './label-families.js';
import { familyIndexByRegion, GRID_SIZE, HISTOGRAM_BINS, pixelStatistics, type PixelStatistics } from './pixel-statistics.js';

export const EMBEDDED_FEATURE_KIND = 'embedded-v1';

export interface SceneRegion {
  readonly id: number;
  readonly label: string;
}

export interface SceneInput {
  /** The working-size image, 0..255 floats (libs/imaging `prepareImage(…).work`). */
  readonly work: FloatRgbImage;
  /** Region id per working pixel (`prepareImage(…).labels`). */
  readonly labels: Uint8Array;
  /** The segmentation's region table: which label each region id has. */
  readonly regions: readonly SceneRegion[];
}

/**
 * Centre and scale of each raw feature: its mean and standard deviation over the 21
 * photos of samples/ (segmented by the embedded engine), rounded. A standardised feature
 * is then about 0 for a typical photo and ±1 one standard deviation away. Without
 * centring every photo's vector would point the same way (lightness is always positive)
 * and cosine distances would crowd near 0.
 */
const SCALE = {
  meanL: { centre: 0.57, scale: 0.1 },
  meanA: { centre: 0.01, scale: 0.025 },
  meanB: { centre: 0.015, scale: 0.03 },
  stdL: { centre: 0.18, scale: 0.06 },
  stdA: { centre: 0.027, scale: 0.02 },
  stdB: { centre: 0.04, scale: 0.023 },
  /** Square roots of histogram shares (a Hellinger embedding: shares far from 0 differ less). */
  histogram: { centre: 0.24, scale: 0.165 },
  cellL: { centre: 0.57, scale: 0.15 },
  cellA: { centre: 0.01, scale: 0.035 },
  cellB: { centre: 0.015, scale: 0.045 },
  /** As-shot values are already in [-1, 1] around the corpus median 0. */
  attribute: { centre: 0, scale: 0.5 },
} as const;

/** A standardised feature is clamped: one extreme number must not swamp its block. */
const CLAMP = 3;

function standardise(value: number, { centre, scale }: { centre: number; scale: number }): number {
  return Math.max(-CLAMP, Math.min(CLAMP, (value - centre) / scale));
}

/**
 * The blocks, in vector order, and their dimensions. Each block is divided by the square
 * root of its dimension, so that a block of standardised features has a squared norm of
 * about 1 however many numbers it has; the label block (square roots of area shares) has
 * norm exactly 1 already.
 */
export const DESCRIPTOR_BLOCKS = [
  { name: 'colour', dimension: 6 },
  { name: 'histogram', dimension: HISTOGRAM_BINS },
  { name: 'layout', dimension: GRID_SIZE * GRID_SIZE * 3 },
  { name: 'labels', dimension: LABEL_FAMILIES.length },
  { name: 'attributes', dimension: ATTRIBUTES.length },
] as const;

export const EMBEDDED_DIMENSION = DESCRIPTOR_BLOCKS.reduce((sum, b) => sum + b.dimension, 0);

function evenBlock(values: readonly number[]): number[] {
  const weight = 1 / Math.sqrt(values.length);
  return values.map((v) => v * weight);
}

/** The descriptor's blocks before normalisation, in DESCRIPTOR_BLOCKS order (exported for tests and tuning). */
export function descriptorBlocks(stats: PixelStatistics, asShot: Readonly<Record<(typeof ATTRIBUTES)[number], number>>): number[][] {
  const colour = [
    standardise(stats.mean[0], SCALE.meanL),
    standardise(stats.mean[1], SCALE.meanA),
    standardise(stats.mean[2], SCALE.meanB),
    standardise(stats.std[0], SCALE.stdL),
    standardise(stats.std[1], SCALE.stdA),
    standardise(stats.std[2], SCALE.stdB),
  ];
  const histogram = stats.histogram.map((share) => standardise(Math.sqrt(share), SCALE.histogram));
  const layout = stats.grid.flatMap(([L, a, b]) => [standardise(L, SCALE.cellL), standardise(a, SCALE.cellA), standardise(b, SCALE.cellB)]);
  const labels = stats.families.map(Math.sqrt);
  const attributes = ATTRIBUTES.map((a) => standardise(asShot[a], SCALE.attribute));
  return [evenBlock(colour), evenBlock(histogram), evenBlock(layout), labels, evenBlock(attributes)];
}

/** Distinct region labels, sorted (the scene's labels in SceneFeatures). */
export function sceneLabels(regions: readonly SceneRegion[]): string[] {
  return [...new Set(regions.map((r) => r.label))].sort();
}

/**
 * F(image) for a prepared image: kind "embedded-v1", EMBEDDED_DIMENSION numbers, unit
 * length. `calibration` turns the whole image's raw scores into as-shot values (the
 * default table unless the deployment loads another).
 */
export function describeScene(input: SceneInput, calibration: CalibrationTable = DEFAULT_CALIBRATION): SceneFeatures {
  const stats = pixelStatistics(input.work, input.labels, familyIndexByRegion(input.regions, labelFamily));
  const asShot = normalizeScores(calibration, scoreImage(input.work));
  const vector = l2Normalize(Float32Array.from(descriptorBlocks(stats, asShot).flat()));
  return { kind: EMBEDDED_FEATURE_KIND, vector, labels: sceneLabels(input.regions) };
}

/** A segmentation with its region table (libs/segmentation's LabelledSegmentation fits). */
export interface LabelledRegions extends Segmentation {
  readonly regions: readonly SceneRegion[];
}

/**
 * F(image) from a decoded image at any size: brings it to the working size with
 * libs/imaging's `prepareImage`, then `describeScene`. Without a segmentation the whole
 * image is one region labelled "background".
 */
export function describeImage(image: RgbImage, segmentation?: LabelledRegions, calibration: CalibrationTable = DEFAULT_CALIBRATION): SceneFeatures {
  const prepared = prepareImage(image, segmentation, calibration);
  const regions = segmentation?.regions ?? [{ id: 0, label: 'background' }];
  return describeScene({ work: prepared.work, labels: prepared.labels, regions }, calibration);
}
