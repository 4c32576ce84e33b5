/**
 * Slicing a colour grid (colour-grid.ts) onto an image of any size: each pixel's 3 × 4
 * transform is the trilinear interpolation of the grid's nodes at its position (the grid
 * spans the whole image, whatever its resolution) and its own luminance (Chen, Paris &
 * Durand 2007, "slicing"), then applied to its colour. This is how the 512² diffusion
 * result reaches the full-resolution original: the original's own detail, the diffusion's
 * colours and tones.
 *
 * Per row the grid is first interpolated in y (W × B nodes), per pixel in x and
 * luminance: about 60 multiply-adds a pixel.
 */
import type { RgbImage } from '@pertouch/imaging';
import { gridCoordinate, type ColourGrid, type UnitRgbImage } from './colour-grid.js';

/** Applies the grid to 0..1 float RGB (the fit's own resolution: used to measure the fit). */
export function applyColourGridUnit(grid: ColourGrid, image: UnitRgbImage): UnitRgbImage {
  const out = new Float32Array(image.data.length);
  const slicer = new GridSlicer(grid, image.width, image.height);
  const span = image.width * 3;
  for (let y = 0; y < image.height; y++) slicer.sliceRow(y, image.data.subarray(y * span, (y + 1) * span), out.subarray(y * span, (y + 1) * span));
  return { width: image.width, height: image.height, data: out };
}

/**
 * Applies the grid to an 8- or 16-bit image (rows [y0, y1) of it when given, e.g. for a
 * caller that works in strips), into `out` (same size and bit depth; a new image by
 * default). Values are clamped and rounded.
 */
export function applyColourGrid(grid: ColourGrid, image: RgbImage, out?: RgbImage, y0 = 0, y1 = image.height): RgbImage {
  const max = image.data instanceof Uint16Array ? 65535 : 255;
  const target = out ?? { width: image.width, height: image.height, data: image.data instanceof Uint16Array ? new Uint16Array(image.data.length) : new Uint8Array(image.data.length) };
  const data = target.data;
  const slicer = new GridSlicer(grid, image.width, image.height);
  const span = image.width * 3;
  const input = new Float32Array(span), row = new Float32Array(span);
  const scale = 1 / max;
  for (let y = y0; y < y1; y++) {
    const offset = y * span;
    // Rows go through the slicer as 0..1 floats whatever the container, so its loop sees one array type.
    for (let k = 0; k < span; k++) input[k] = image.data[offset + k] * scale;
    slicer.sliceRow(y, input, row);
    for (let k = 0; k < span; k++) {
      const v = Math.round(row[k] * max);
      data[offset + k] = v < 0 ? 0 : v > max ? max : v;
    }
  }
  return target;
}

/** The slicing of one grid onto one image size: column weights once, the grid interpolated in y once per row. */
class GridSlicer {
  private readonly x0s: Int32Array;
  private readonly wxs: Float64Array;
  private readonly row: Float64Array;
  /** row[node + 1 in x] − row[node]: the x-interpolation's slope per node. */
  private readonly slope: Float64Array;

  constructor(
    private readonly grid: ColourGrid,
    private readonly width: number,
    private readonly height: number,
  ) {
    const gw = grid.width;
    this.x0s = new Int32Array(width);
    this.wxs = new Float64Array(width);
    for (let x = 0; x < width; x++) {
      const gx = gridCoordinate(x, width, gw);
      this.x0s[x] = Math.min(gw - 2, Math.floor(gx));
      this.wxs[x] = gx - this.x0s[x];
    }
    this.row = new Float64Array(gw * grid.bins * 12);
    this.slope = new Float64Array(gw * grid.bins * 12);
  }

  /** Row y (`input`: its 3 × width interleaved values on the 0..1 scale) through the grid, into `out` (0..1 scale, unclamped). */
  sliceRow(y: number, input: Float32Array, out: Float32Array): void {
    const { width: gw, height: gh, bins, coefficients: c } = this.grid;
    const { x0s, wxs, row, slope, width } = this;
    const gy = gridCoordinate(y, this.height, gh);
    const gy0 = Math.min(gh - 2, Math.floor(gy)), wy = gy - gy0;
    const top = gy0 * gw * bins * 12, bottom = top + gw * bins * 12;
    for (let k = 0; k < row.length; k++) row[k] = c[top + k] + wy * (c[bottom + k] - c[top + k]);
    const xStride = bins * 12;
    for (let k = 0; k < row.length - xStride; k++) slope[k] = row[k + xStride] - row[k];
    const zMax = bins - 1;
    for (let x = 0; x < width; x++) {
      const i = x * 3;
      const r = input[i], g = input[i + 1], b = input[i + 2];
      let gz = (0.299 * r + 0.587 * g + 0.114 * b) * zMax; // luma(), inlined
      gz = gz < 0 ? 0 : gz > zMax ? zMax : gz;
      const z0 = Math.min(bins - 2, Math.floor(gz)), wz = gz - z0;
      const wx = wxs[x];
      // The transforms of bins z0 and z0 + 1 interpolated in x (row + wx · slope), then in luminance.
      const lo = (x0s[x] * bins + z0) * 12, hi = lo + 12;
      for (let channel = 0; channel < 3; channel++) {
        const k = lo + channel * 4, l = hi + channel * 4;
        const a0 = row[k] + wx * slope[k], b0 = row[l] + wx * slope[l];
        const a1 = row[k + 1] + wx * slope[k + 1], b1 = row[l + 1] + wx * slope[l + 1];
        const a2 = row[k + 2] + wx * slope[k + 2], b2 = row[l + 2] + wx * slope[l + 2];
        const a3 = row[k + 3] + wx * slope[k + 3], b3 = row[l + 3] + wx * slope[l + 3];
        out[i + channel] = (a0 + wz * (b0 - a0)) * r + (a1 + wz * (b1 - a1)) * g + (a2 + wz * (b2 - a2)) * b + a3 + wz * (b3 - a3);
      }
    }
  }
}

/** PSNR in dB of two 0..1 images: 10 · log10(1 / MSE), over every sample (∞ when identical). */
export function psnr(a: UnitRgbImage, b: UnitRgbImage): number {
  if (a.data.length !== b.data.length) throw new RangeError('psnr: images differ in size');
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.min(1, Math.max(0, a.data[i])) - Math.min(1, Math.max(0, b.data[i]));
    sum += d * d;
  }
  const mse = sum / a.data.length;
  return mse === 0 ? Infinity : 10 * Math.log10(1 / mse);
}
