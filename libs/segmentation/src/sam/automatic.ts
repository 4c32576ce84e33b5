/**
 * PerTouch's automatic masks (design.md §4) from SAM's single-click masks:
 *
 * 1. a gridSize × gridSize grid of single positive point prompts ({@link gridPoints});
 * 2. every pixel goes to the highest-scoring mask covering it ({@link MaskAssigner});
 * 3. a 3×3 morphological opening of every region ({@link openRegions});
 * 4. regions under the minimum area (400 px at full resolution) are dropped and, with all
 *    uncovered pixels, form one "rest" region; at most 255 regions in all
 *    ({@link finaliseRegions}).
 *
 * Everything runs on typed arrays over one working-size raster: no per-pixel objects.
 * A "region" is the set of pixels one prompt's mask won (it may be disconnected).
 */
import type { Size } from './sam-model.js';
import { resizedSizeOf } from './preprocess.js';

/** No mask covers the pixel (or its region was removed). */
export const UNASSIGNED = -1;
/** The label-raster id of the "rest" region. Kept regions are 1..n, largest first. */
export const REST_REGION_ID = 0;
/** At most this many regions, "rest" included: the label raster has one byte a pixel. */
export const MAX_REGIONS = 255;

/**
 * The grid prompts in image pixels, row by row: point (i, j) is at ((i + 0.5) / n · width,
 * (j + 0.5) / n · height), SAM's build_point_grid (cell centres, no point on the border).
 * Returns x0, y0, x1, y1, …
 */
export function gridPoints(gridSize: number, width: number, height: number): Float64Array {
  const out = new Float64Array(gridSize * gridSize * 2);
  for (let j = 0, k = 0; j < gridSize; j++) {
    for (let i = 0; i < gridSize; i++, k += 2) {
      out[k] = ((i + 0.5) / gridSize) * width;
      out[k + 1] = ((j + 0.5) / gridSize) * height;
    }
  }
  return out;
}

/**
 * The raster size the automatic pass works at: the image itself when its longest side is
 * ≤ maxSide, else the image scaled to a longest side of maxSide (resizedSizeOf rounding).
 * SAM's masks are 256² logits upsampled from the 1024 frame, so maxSide = 1024 loses no
 * mask detail while keeping 1024 decoder outputs cheap on large photos.
 */
export function autoWorkingSize(width: number, height: number, maxSide: number): Size {
  return Math.max(width, height) <= maxSide ? { width, height } : resizedSizeOf(width, height, maxSide);
}

/**
 * The working-raster area equivalent to `fullArea` pixels of the full-resolution image:
 * fullArea · (working pixels / full pixels). The 400-px drop rule is stated at full
 * resolution, so it is scaled when the pass works on a smaller raster.
 */
export function workingAreaThreshold(fullArea: number, working: Size, full: Size): number {
  return (fullArea * working.width * working.height) / (full.width * full.height);
}

/**
 * Streams masks into an owner raster: a pixel goes to a mask covering it (logit > 0)
 * whose score is strictly higher than any earlier one covering it, so the
 * highest-scoring covering mask wins and, on ties, the earliest prompt.
 */
export class MaskAssigner {
  /** For each pixel, the index of the winning mask, or {@link UNASSIGNED}. */
  readonly owner: Int32Array;
  private readonly best: Float32Array;
  private count = 0;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.owner = new Int32Array(width * height).fill(UNASSIGNED);
    this.best = new Float32Array(width * height).fill(-Infinity);
  }

  /** Masks added so far; the next mask gets this index. */
  get maskCount(): number {
    return this.count;
  }

  /**
   * Adds one mask: width × height logits starting at `offset` of `logits`, with its score.
   * Returns the mask's index in {@link owner}.
   */
  add(logits: Float32Array, offset: number, score: number): number {
    const index = this.count++;
    const { owner, best } = this;
    const n = owner.length;
    for (let i = 0; i < n; i++) {
      if (logits[offset + i] > 0 && score > best[i]) {
        best[i] = score;
        owner[i] = index;
      }
    }
    return index;
  }
}

/**
 * 3×3 morphological opening of every region of an owner raster at once (erosion, then
 * dilation, with a 3×3 square). A pixel survives iff some 3×3 window containing it lies
 * entirely in its region; others become {@link UNASSIGNED}. Removes specks and lines
 * thinner than 3 px. Outside the image counts as belonging to every region, so the image
 * border does not erode regions (OpenCV's default for erosion).
 */
export function openRegions(owner: Int32Array, width: number, height: number): Int32Array {
  // eroded[i] = the region id if the whole 3×3 window around i (clipped to the image) is that region.
  const eroded = new Int32Array(owner.length).fill(UNASSIGNED);
  for (let y = 0; y < height; y++) {
    const ya = Math.max(0, y - 1), yb = Math.min(height - 1, y + 1);
    for (let x = 0; x < width; x++) {
      const id = owner[y * width + x];
      if (id === UNASSIGNED) continue;
      const xa = Math.max(0, x - 1), xb = Math.min(width - 1, x + 1);
      let uniform = true;
      for (let yy = ya; yy <= yb && uniform; yy++) {
        const row = yy * width;
        for (let xx = xa; xx <= xb; xx++) {
          if (owner[row + xx] !== id) {
            uniform = false;
            break;
          }
        }
      }
      if (uniform) eroded[y * width + x] = id;
    }
  }
  // Dilation restricted to the region: keep i if an eroded pixel of its own region is within 3×3.
  const opened = new Int32Array(owner.length).fill(UNASSIGNED);
  for (let y = 0; y < height; y++) {
    const ya = Math.max(0, y - 1), yb = Math.min(height - 1, y + 1);
    for (let x = 0; x < width; x++) {
      const id = owner[y * width + x];
      if (id === UNASSIGNED) continue;
      const xa = Math.max(0, x - 1), xb = Math.min(width - 1, x + 1);
      let keep = false;
      for (let yy = ya; yy <= yb && !keep; yy++) {
        const row = yy * width;
        for (let xx = xa; xx <= xb; xx++) {
          if (eroded[row + xx] === id) {
            keep = true;
            break;
          }
        }
      }
      if (keep) opened[y * width + x] = id;
    }
  }
  return opened;
}

export interface FinaliseOptions {
  /** Regions with fewer pixels (of this raster) are dropped into "rest". */
  readonly minArea: number;
  /** At most this many regions including "rest" (default {@link MAX_REGIONS}). */
  readonly maxRegions?: number;
}

/**
 * The label raster: kept regions get ids 1..n by decreasing area (ties: lower mask
 * index first), and "rest" ({@link REST_REGION_ID}) takes every unassigned pixel,
 * every region under `minArea`, and — when more than `maxRegions` would remain — the
 * smallest regions beyond `maxRegions − 1`.
 */
export function finaliseRegions(owner: Int32Array, maskCount: number, options: FinaliseOptions): Uint8Array {
  const maxRegions = Math.min(options.maxRegions ?? MAX_REGIONS, MAX_REGIONS);
  const area = new Float64Array(maskCount);
  let unassigned = 0;
  for (let i = 0; i < owner.length; i++) {
    const id = owner[i];
    if (id === UNASSIGNED) unassigned++;
    else area[id]++;
  }
  const candidates: number[] = [];
  for (let m = 0; m < maskCount; m++) if (area[m] > 0 && area[m] >= options.minArea) candidates.push(m);
  candidates.sort((a, b) => area[b] - area[a] || a - b);
  const droppedAny = candidates.length < countNonEmpty(area);
  const restExists = unassigned > 0 || droppedAny;
  const keep = candidates.length + (restExists ? 1 : 0) <= maxRegions ? candidates.length : maxRegions - 1;

  const idOf = new Uint8Array(maskCount); // 0 = REST_REGION_ID
  for (let rank = 0; rank < keep; rank++) idOf[candidates[rank]] = rank + 1;
  const labels = new Uint8Array(owner.length);
  for (let i = 0; i < owner.length; i++) {
    const id = owner[i];
    labels[i] = id === UNASSIGNED ? REST_REGION_ID : idOf[id];
  }
  return labels;
}

function countNonEmpty(area: Float64Array): number {
  let n = 0;
  for (let i = 0; i < area.length; i++) if (area[i] > 0) n++;
  return n;
}
