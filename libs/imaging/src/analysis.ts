import { normalize, type CalibrationTable } from './calibration/table.js';
import { ATTRIBUTES, type AttributeRecord, type FloatRgbImage, type RgbImage, type Segmentation } from './image.js';
import type { ResolvedMap } from './map/parameter-map.js';
import { AreaAccumulator, resampleLabelsNearest, valueScaleOf, workingSizeOf } from './resample.js';
import { regionStats } from './scores/score-regions.js';
import { scoresFromStats } from './scores/formulas.js';
import type { RegionStats } from './scores/stats.js';

/** An image brought to the working size with its regions, measured as shot. */
export interface PreparedImage {
  readonly width: number;
  readonly height: number;
  readonly work: FloatRgbImage;
  /** Per working pixel and channel, the standard deviation of its full-resolution block (0..255). */
  readonly spread: Float32Array | null;
  /** Region ids at working size (nearest-neighbour from the segmentation). */
  readonly labels: Uint8Array;
  readonly stats: ReadonlyMap<number, RegionStats>;
  readonly regions: readonly RegionAnalysis[];
}

export interface RegionAnalysis {
  readonly id: number;
  /** Share of the image's pixels, 0..1. */
  readonly area: number;
  /** Raw scores (design.md §3) at the working size. */
  readonly raw: AttributeRecord;
  /** Normalised scores in [-1, 1]: the region's as-shot parameter values. */
  readonly values: AttributeRecord;
}

/** Throws unless the segmentation has the image's aspect ratio (within one pixel of rounding). */
export function assertSameAspect(image: { width: number; height: number }, seg: Segmentation): void {
  const expectedH = (seg.width * image.height) / image.width;
  if (Math.abs(expectedH - seg.height) > Math.max(1, seg.height * 0.01)) {
    throw new RangeError(
      `segmentation is ${seg.width}×${seg.height} but the image is ${image.width}×${image.height}: the aspect ratios differ`,
    );
  }
}

/** Normalises a record of raw scores with a calibration table. */
export function normalizeScores(table: CalibrationTable, raw: AttributeRecord): AttributeRecord {
  const out = {} as AttributeRecord;
  for (const a of ATTRIBUTES) out[a] = normalize(table, a, raw[a]);
  return out;
}

/** Scores every region of an already working-size image. */
export function analyzeWorking(work: FloatRgbImage, labels: Uint8Array, table: CalibrationTable): { stats: Map<number, RegionStats>; regions: RegionAnalysis[] } {
  const stats = regionStats(work, labels);
  const total = work.width * work.height;
  const regions: RegionAnalysis[] = [];
  for (const [id, s] of stats) {
    const raw = scoresFromStats(s);
    if (!raw) continue;
    regions.push({ id, area: s.n / total, raw, values: normalizeScores(table, raw) });
  }
  return { stats, regions };
}

/**
 * Brings an image (any size, 8 or 16 bit) to the working size, resamples its
 * segmentation (none: the whole image is region 0) and measures every region.
 */
export function prepareImage(image: RgbImage, segmentation: Segmentation | undefined, table: CalibrationTable): PreparedImage {
  const size = workingSizeOf(image.width, image.height);
  const { image: work, spread } = new AreaAccumulator(image.width, image.height, size.width, size.height, true)
    .addRows(image.data, 0, image.height)
    .finish(valueScaleOf(image.data));
  return prepareWorking(image, work, spread, segmentation, table);
}

/**
 * The second half of `prepareImage`, for callers that downsampled the image themselves
 * (e.g. in strips on several threads with AreaAccumulator): `work` and `spread` must
 * be the area means and spreads at `workingSizeOf(image size)`.
 */
export function prepareWorking(
  size: { width: number; height: number },
  work: FloatRgbImage,
  spread: Float32Array | null,
  segmentation: Segmentation | undefined,
  table: CalibrationTable,
): PreparedImage {
  if (segmentation) assertSameAspect(size, segmentation);
  const labels = segmentation
    ? resampleLabelsNearest(segmentation, work.width, work.height)
    : new Uint8Array(work.width * work.height);
  const { stats, regions } = analyzeWorking(work, labels, table);
  return { width: size.width, height: size.height, work, spread, labels, stats, regions };
}

/** The as-shot parameter map of a prepared image. */
export function asShotMap(prepared: PreparedImage): ResolvedMap {
  return new Map(prepared.regions.map((r) => [r.id, { ...r.values }]));
}
