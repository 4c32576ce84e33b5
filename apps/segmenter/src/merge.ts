import type { SegmentationDocument } from '@pertouch/contracts';
import { regionGeometry } from '@pertouch/segmentation';
import { SegmenterError } from './errors.js';

type Region = SegmentationDocument['regions'][number];

/** A mask pixel at or above this is inside (masks are written 0 / 255; anything between is rounding). */
export const MASK_INSIDE = 128;

/**
 * The id a merged object gets: the lowest one in 0..255 the document's region table does
 * not use. Taken from the table (not the raster) so a cached merge can name it without
 * decoding anything; the merge checks the raster agrees.
 */
export function lowestFreeId(regions: readonly Pick<Region, 'id'>[]): number {
  const used = new Set(regions.map((r) => r.id));
  for (let id = 0; id < 256; id++) if (!used.has(id)) return id;
  throw new SegmenterError('too_many_regions', 'all 256 region ids are in use: no id is left for the merged object');
}

export interface MergeInput {
  readonly width: number;
  readonly height: number;
  /** The automatic segmentation's raster (pixel = region id). */
  readonly labels: Uint8Array;
  /** The prompt's mask, same size (≥ MASK_INSIDE = inside). */
  readonly mask: Uint8Array;
  readonly regions: readonly Region[];
  readonly regionId: number;
  /** The new region's label, confidence 1, and engine. */
  readonly label: string;
  readonly engine: string;
}

/**
 * Lays the mask over the label raster as region `regionId`: inside pixels leave their old
 * region. Every region's area, bbox (inclusive-exclusive) and centroid is recomputed from
 * the merged raster with libs/segmentation's regionGeometry (the engines' own helper), so
 * the table matches the raster exactly; a region the mask covered completely is dropped.
 * Regions come out sorted by id. An empty mask is `empty_mask`: the object was not found.
 */
export function mergeMask(input: MergeInput): { labels: Uint8Array; regions: Region[] } {
  const { width, height, mask, regionId } = input;
  if (input.labels.length !== width * height || mask.length !== width * height) {
    throw new Error(`cannot merge a ${mask.length}-pixel mask into a ${input.labels.length}-pixel raster of ${width}×${height}`);
  }
  const labels = Uint8Array.from(input.labels);
  let inside = 0;
  for (let i = 0; i < labels.length; i++) {
    if (mask[i] >= MASK_INSIDE) {
      labels[i] = regionId;
      inside++;
    } else if (labels[i] === regionId) {
      // The table said the id was free; a raster using it is a broken cache entry or engine bug.
      throw new Error(`label raster uses id ${regionId}, which its region table does not list`);
    }
  }
  if (inside === 0) throw new SegmenterError('empty_mask', 'the prompt selected no pixel: there is no object to merge');

  const byId = new Map(input.regions.map((r) => [r.id, r]));
  const regions: Region[] = [];
  for (const g of regionGeometry(labels, width, height)) {
    const geometry = { id: g.id, area: g.area, bbox: { ...g.bbox }, centroid: { ...g.centroid } };
    if (g.id === regionId) {
      regions.push({ ...geometry, label: input.label, confidence: 1, engine: input.engine });
      continue;
    }
    const old = byId.get(g.id);
    // Pixels with an id the table does not list are left as they are, unlisted, as before.
    if (old) regions.push({ ...geometry, label: old.label, confidence: old.confidence, engine: old.engine });
  }
  return { labels, regions };
}
