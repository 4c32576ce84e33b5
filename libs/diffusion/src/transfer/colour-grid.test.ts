import { describe, expect, it } from 'vitest';
import { applyColourGrid, applyColourGridUnit, psnr } from './apply-grid.js';
import { fitColourGrid, gridCoordinate, nodesAlong, type UnitRgbImage } from './colour-grid.js';

/** A textured two-region 0..1 image: bright bluish top, dark warm bottom, at any size. */
function scene(width: number, height: number): UnitRgbImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Texture in normalised coordinates, so every size shows the same scene.
      const u = x / width, v = y / height;
      const t = 0.06 * Math.sin(u * 97) * Math.cos(v * 61) + 0.03 * Math.sin((u + v) * 211);
      const top = v < 0.5;
      const base = top ? [0.55, 0.65, 0.85] : [0.35, 0.25, 0.15];
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = base[c] + t * (c + 1) * 0.5;
    }
  }
  return { width, height, data };
}

type Affine = readonly number[]; // 3 × 4 row-major
const TOP: Affine = [0.9, 0.05, 0, -0.05, 0, 1.1, 0, 0.02, 0.1, 0, 1.2, 0];
const BOTTOM: Affine = [1.3, 0, 0, 0.1, 0, 0.8, 0.1, 0, 0, 0, 0.7, -0.02];

/** Applies TOP above the middle row, BOTTOM below (a hard edge that follows luminance, as regions do). */
function edited(image: UnitRgbImage, top: Affine = TOP, bottom: Affine = BOTTOM): UnitRgbImage {
  const data = new Float32Array(image.data.length);
  for (let y = 0; y < image.height; y++) {
    const a = y / image.height < 0.5 ? top : bottom;
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 3;
      const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
      for (let c = 0; c < 3; c++) data[i + c] = a[c * 4] * r + a[c * 4 + 1] * g + a[c * 4 + 2] * b + a[c * 4 + 3];
    }
  }
  return { width: image.width, height: image.height, data };
}

describe('grid geometry', () => {
  it('spreads nodes over pixel centres and clamps at the borders', () => {
    expect(nodesAlong(512, 32)).toBe(16);
    expect(nodesAlong(40, 32)).toBe(2);
    expect(gridCoordinate(0, 512, 16)).toBe(0); // before the first node centre: clamped
    expect(gridCoordinate(15.5, 512, 16)).toBeCloseTo(0, 12); // pixel centre 16 = node 0's centre
    expect(gridCoordinate(511, 512, 16)).toBe(15);
    // The same relative position at another resolution lands on the same grid coordinate.
    expect(gridCoordinate(2 * 100 + 0.5, 1024, 16)).toBeCloseTo(gridCoordinate(100, 512, 16), 12);
  });
});

describe('fitColourGrid / applyColourGrid', () => {
  it('recovers one global affine transform almost exactly', () => {
    const source = scene(256, 256);
    const target = edited(source, TOP, TOP);
    const grid = fitColourGrid(source, target);
    expect(psnr(applyColourGridUnit(grid, source), target)).toBeGreaterThan(50);
  });

  it('recovers a different transform per region (≥ 35 dB)', () => {
    const source = scene(512, 512);
    const target = edited(source);
    expect(psnr(applyColourGridUnit(fitColourGrid(source, target), source), target)).toBeGreaterThan(35);
  });

  it('gives the same colours different transforms in different places, which one global affine cannot', () => {
    // The same texture everywhere (the scene's bottom half, twice), edited differently above and below the middle.
    const half = scene(512, 1024);
    const source = { width: 512, height: 512, data: new Float32Array(512 * 512 * 3) };
    for (let y = 0; y < 512; y++) source.data.set(half.data.subarray((512 + (y % 256) * 2) * 512 * 3, (513 + (y % 256) * 2) * 512 * 3), y * 512 * 3);
    const target = edited(source);
    const fitted = psnr(applyColourGridUnit(fitColourGrid(source, target), source), target);
    expect(fitted).toBeGreaterThan(30);
    // A ridge that dominates every node's data pins all nodes to the image-wide affine fit.
    const global = psnr(applyColourGridUnit(fitColourGrid(source, target, { ridge: 1e9 }), source), target);
    expect(global).toBeLessThan(fitted - 8);
  });

  it('the grid fitted at 512² transfers to the same scene at 4× the resolution', () => {
    const small = scene(512, 384), large = scene(2048, 1536);
    const grid = fitColourGrid(small, edited(small));
    const out = applyColourGridUnit(grid, large);
    expect(psnr(out, edited(large))).toBeGreaterThan(33);
  });

  it('applies to 8-bit and 16-bit images, rows at a time, clamped', () => {
    const source = scene(128, 96);
    const grid = fitColourGrid(source, edited(source));
    const eight = { width: 128, height: 96, data: Uint8Array.from(source.data, (v) => Math.round(v * 255)) };
    const sixteen = { width: 128, height: 96, data: Uint16Array.from(source.data, (v) => Math.round(v * 65535)) };
    const a = applyColourGrid(grid, eight);
    const b = applyColourGrid(grid, sixteen);
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect(b.data).toBeInstanceOf(Uint16Array);
    for (let i = 0; i < a.data.length; i += 97) expect(Math.abs(a.data[i] / 255 - b.data[i] / 65535)).toBeLessThan(5 / 255);
    // In strips: the same pixels as in one go.
    const strips = { width: 128, height: 96, data: new Uint8Array(a.data.length) };
    applyColourGrid(grid, eight, strips, 0, 40);
    applyColourGrid(grid, eight, strips, 40, 96);
    expect(Buffer.from(strips.data).equals(Buffer.from(a.data))).toBe(true);
    // A transform that overshoots clamps to the container's range.
    const bright = fitColourGrid(source, { ...source, data: source.data.map((v) => v * 3) });
    expect(Math.max(...applyColourGrid(bright, eight).data)).toBe(255);
  });

  it('refuses images of different sizes', () => {
    expect(() => fitColourGrid(scene(10, 10), scene(12, 10))).toThrow(RangeError);
  });
});

describe('psnr', () => {
  it('is 10·log10(1/MSE) on 0..1 samples, ∞ for identical images', () => {
    const a = { width: 1, height: 1, data: Float32Array.from([0.5, 0.5, 0.5]) };
    const b = { width: 1, height: 1, data: Float32Array.from([0.6, 0.5, 0.4]) };
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10(1 / ((0.01 + 0 + 0.01) / 3)), 4);
    expect(psnr(a, a)).toBe(Infinity);
  });
});
