/**
 * One pass over a working-size image in OKLab (perceptually even, so a step in L or
 * a/b means about the same everywhere): colour moments, a lightness histogram, a coarse
 * grid of mean colour, and the area of each label family.
 */
import { linearRgbToOklab, srgbToLinear, type FloatRgbImage } from '@pertouch/imaging';
import { LABEL_FAMILIES, type LabelFamily } from './label-families.js';

export const HISTOGRAM_BINS = 12;
export const GRID_SIZE = 3;

export interface PixelStatistics {
  /** Mean and population standard deviation of OKLab L, a, b over the image. */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** Share of pixels per lightness bin (L in [0, 1] cut into HISTOGRAM_BINS equal bins); sums to 1. */
  readonly histogram: readonly number[];
  /** Mean OKLab (L, a, b) per grid cell, row-major from the top left (GRID_SIZE² cells). */
  readonly grid: readonly (readonly [number, number, number])[];
  /** Share of pixels per label family, in LABEL_FAMILIES order; sums to 1. */
  readonly families: readonly number[];
}

// 0..255 floats → linear light through a table: 175 000 pixels × 3 pow() calls would be
// most of the descriptor's time. 16 steps per code value keep the error far below
// anything the descriptor can resolve.
const LUT_STEPS = 16;
const LINEAR_LUT = (() => {
  const table = new Float32Array(255 * LUT_STEPS + 1);
  for (let i = 0; i < table.length; i++) table[i] = srgbToLinear(i / (255 * LUT_STEPS));
  return table;
})();

function toLinear(v: number): number {
  const i = Math.round(v * LUT_STEPS);
  return LINEAR_LUT[i < 0 ? 0 : i >= LINEAR_LUT.length ? LINEAR_LUT.length - 1 : i];
}

/**
 * @param image working-size image, 0..255 floats
 * @param labels region id per pixel (same size)
 * @param familyOfRegion family index (into LABEL_FAMILIES) per region id 0..255
 */
export function pixelStatistics(image: FloatRgbImage, labels: Uint8Array, familyOfRegion: Uint8Array): PixelStatistics {
  const { width, height, data } = image;
  const n = width * height;
  if (n === 0 || data.length !== n * 3 || labels.length !== n) {
    throw new RangeError(`pixelStatistics: expected ${n} pixels and labels for ${width}×${height}, got ${data.length / 3} and ${labels.length}`);
  }
  const sum = new Float64Array(3);
  const sumSq = new Float64Array(3);
  const histogram = new Float64Array(HISTOGRAM_BINS);
  const cells = GRID_SIZE * GRID_SIZE;
  const cellSum = new Float64Array(cells * 3);
  const cellCount = new Float64Array(cells);
  const familyCount = new Float64Array(LABEL_FAMILIES.length);
  const lab = new Float64Array(3);

  for (let y = 0; y < height; y++) {
    const cellRow = Math.min(GRID_SIZE - 1, Math.floor((y * GRID_SIZE) / height)) * GRID_SIZE;
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const o = p * 3;
      linearRgbToOklab(toLinear(data[o]), toLinear(data[o + 1]), toLinear(data[o + 2]), lab);
      const cell = cellRow + Math.min(GRID_SIZE - 1, Math.floor((x * GRID_SIZE) / width));
      for (let c = 0; c < 3; c++) {
        sum[c] += lab[c];
        sumSq[c] += lab[c] * lab[c];
        cellSum[cell * 3 + c] += lab[c];
      }
      cellCount[cell] += 1;
      histogram[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(lab[0] * HISTOGRAM_BINS)))] += 1;
      familyCount[familyOfRegion[labels[p]]] += 1;
    }
  }

  const mean = [sum[0] / n, sum[1] / n, sum[2] / n] as const;
  const deviation = (c: number) => Math.sqrt(Math.max(0, sumSq[c] / n - mean[c] * mean[c]));
  const std = [deviation(0), deviation(1), deviation(2)] as const;
  const grid: (readonly [number, number, number])[] = [];
  for (let cell = 0; cell < cells; cell++) {
    // A cell is empty only for images narrower or shorter than the grid: use the image mean.
    const count = cellCount[cell];
    grid.push(count === 0 ? mean : [cellSum[cell * 3] / count, cellSum[cell * 3 + 1] / count, cellSum[cell * 3 + 2] / count]);
  }
  return {
    mean,
    std,
    histogram: Array.from(histogram, (h) => h / n),
    grid,
    families: Array.from(familyCount, (f) => f / n),
  };
}

/** Family index per region id (0..255), from the segmentation's region table; unlisted ids are "other". */
export function familyIndexByRegion(regions: readonly { readonly id: number; readonly label: string }[], familyOf: (label: string) => LabelFamily): Uint8Array {
  const other = LABEL_FAMILIES.indexOf('other');
  const out = new Uint8Array(256).fill(other);
  for (const r of regions) if (Number.isInteger(r.id) && r.id >= 0 && r.id < 256) out[r.id] = LABEL_FAMILIES.indexOf(familyOf(r.label));
  return out;
}
