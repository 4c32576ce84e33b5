import { describe, expect, it } from 'vitest';
import type { FloatRgbImage, RgbImage } from './image.js';
import { areaScale, finishAreaRange } from './area-finish.js';
import { bandSplitRows, mergeBandSplits } from './resample-columns.js';
import { AreaAccumulator, WORKING_LONG_SIDE, downsampleArea, resampleLabelsNearest, resizeRgb, toWorkingSize, workingSizeOf } from './resample.js';

/** Deterministic pseudo-random 8-bit image. */
function noise(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { width, height, data };
}

function channelMeans(im: { width: number; height: number; data: ArrayLike<number> }, scale = 1): number[] {
  const m = [0, 0, 0];
  for (let i = 0; i < im.data.length; i++) m[i % 3] += im.data[i] * scale;
  return m.map((v) => v / (im.width * im.height));
}

/** A single-channel (grey) image as RGB with r = g = b. */
function greyU8(width: number, height: number, values: readonly number[]): RgbImage {
  return { width, height, data: Uint8Array.from(values.flatMap((v) => [v, v, v])) };
}

describe('workingSizeOf', () => {
  it('scales the long side to exactly 512, keeping the aspect ratio', () => {
    expect(WORKING_LONG_SIDE).toBe(512);
    expect(workingSizeOf(4000, 3000)).toEqual({ width: 512, height: 384 });
    expect(workingSizeOf(3000, 4000)).toEqual({ width: 384, height: 512 });
    expect(workingSizeOf(1024, 1024)).toEqual({ width: 512, height: 512 });
    // 1000·512/3000 = 170.67 → 171
    expect(workingSizeOf(3000, 1000)).toEqual({ width: 512, height: 171 });
    // short side never below 1: 10·512/100000 = 0.05 → max(1, 0) = 1
    expect(workingSizeOf(100000, 10)).toEqual({ width: 512, height: 1 });
  });

  it('does not upscale small images', () => {
    expect(workingSizeOf(300, 200)).toEqual({ width: 300, height: 200 });
    expect(workingSizeOf(512, 10)).toEqual({ width: 512, height: 10 });
    expect(workingSizeOf(1, 1)).toEqual({ width: 1, height: 1 });
  });

  it('rejects non-positive sizes', () => {
    expect(() => workingSizeOf(0, 10)).toThrow(RangeError);
    expect(() => workingSizeOf(10.5, 10)).toThrow(RangeError);
  });
});

describe('downsampleArea', () => {
  it('keeps a constant image constant', () => {
    const data = new Uint8Array(7 * 5 * 3);
    for (let i = 0; i < data.length; i += 3) data.set([10, 20, 30], i);
    const out = downsampleArea({ width: 7, height: 5, data }, 3, 2);
    expect(out.width).toBe(3);
    expect(out.height).toBe(2);
    for (let i = 0; i < out.data.length; i += 3) {
      expect(out.data[i]).toBeCloseTo(10, 5);
      expect(out.data[i + 1]).toBeCloseTo(20, 5);
      expect(out.data[i + 2]).toBeCloseTo(30, 5);
    }
  });

  it('averages exact 2×2 blocks for 4×4 → 2×2', () => {
    // [ 0  4 |  8 12 ]
    // [16 20 | 24 28 ]   top-left  (0+4+16+20)/4 = 10, top-right (8+12+24+28)/4 = 18
    // [32 36 | 40 44 ]   bottom-left (32+36+48+52)/4 = 42, bottom-right (40+44+56+60)/4 = 50
    // [48 52 | 56 60 ]
    const vals = Array.from({ length: 16 }, (_, i) => 4 * i);
    const out = downsampleArea(greyU8(4, 4, vals), 2, 2);
    expect(Array.from(out.data)).toEqual([10, 10, 10, 18, 18, 18, 42, 42, 42, 50, 50, 50]);
  });

  it('weights fractional coverage for a non-integer ratio (5×3 → 2×1)', () => {
    // Output column 0 covers source x ∈ [0, 2.5): columns 0, 1 fully and half of column 2;
    // column 1 covers [2.5, 5): half of column 2, columns 3, 4. The single output row
    // covers all 3 rows. Source (grey):
    //   row 0: 10 20 30 40 50
    //   row 1: 60 70 80 90 100
    //   row 2:  0  0 90  0 30
    // column sums over rows: c0 = 70, c1 = 90, c2 = 200, c3 = 130, c4 = 180
    // out0 = (70 + 90 + 0.5·200) / (2.5·3) = 260 / 7.5 = 34.6666…
    // out1 = (0.5·200 + 130 + 180) / 7.5 = 410 / 7.5 = 54.6666…
    const im = greyU8(5, 3, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 0, 0, 90, 0, 30]);
    const out = downsampleArea(im, 2, 1);
    expect(out.data[0]).toBeCloseTo(260 / 7.5, 5);
    expect(out.data[1]).toBeCloseTo(260 / 7.5, 5);
    expect(out.data[3]).toBeCloseTo(410 / 7.5, 5);
    expect(out.data[5]).toBeCloseTo(410 / 7.5, 5);
  });

  it('weights fractional coverage vertically too (1×3 → 1×2)', () => {
    // rows 0, 30, 90: out0 covers y ∈ [0, 1.5): (0 + 0.5·30)/1.5 = 10;
    // out1 covers [1.5, 3): (0.5·30 + 90)/1.5 = 70
    const out = downsampleArea(greyU8(1, 3, [0, 30, 90]), 1, 2);
    expect(out.data[0]).toBeCloseTo(10, 5);
    expect(out.data[3]).toBeCloseTo(70, 5);
  });

  it('preserves the image mean for any ratio', () => {
    const src = noise(37, 23, 7);
    const mean = channelMeans(src);
    for (const [w, h] of [
      [37, 23],
      [36, 22],
      [19, 11],
      [10, 7],
      [5, 23],
      [37, 1],
      [1, 1],
      [13, 17],
    ]) {
      const out = downsampleArea(src, w, h);
      const m = channelMeans(out);
      for (let c = 0; c < 3; c++) expect(Math.abs(m[c] - mean[c])).toBeLessThan(1e-4);
    }
  });

  it('is an exact copy at equal size (as float)', () => {
    const src = noise(6, 4, 3);
    const out = downsampleArea(src, 6, 4);
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(Array.from(out.data)).toEqual(Array.from(src.data));
  });

  it('accepts float input on the 0..255 scale', () => {
    const f: FloatRgbImage = { width: 2, height: 1, data: Float32Array.from([0.5, 1, 2, 1.5, 3, 4]) };
    expect(Array.from(downsampleArea(f, 1, 1).data)).toEqual([1, 2, 3]);
  });

  it('scales 16-bit input to 0..255', () => {
    // 65535 → 255; 257·k → k; (0 + 514)/2 → 257/257 = 1
    const im: RgbImage = { width: 2, height: 1, data: Uint16Array.from([65535, 257 * 100, 0, 65535, 257 * 100, 514]) };
    expect(Array.from(downsampleArea(im, 2, 1).data)).toEqual([255, 100, 0, 255, 100, 2]);
    const half = downsampleArea(im, 1, 1).data;
    expect(half[0]).toBeCloseTo(255, 4);
    expect(half[1]).toBeCloseTo(100, 4);
    expect(half[2]).toBeCloseTo(1, 4);
  });

  it('rejects upscaling and bad shapes', () => {
    const src = noise(4, 4, 1);
    expect(() => downsampleArea(src, 5, 4)).toThrow(RangeError);
    expect(() => downsampleArea(src, 4, 5)).toThrow(RangeError);
    expect(() => downsampleArea(src, 0, 2)).toThrow(RangeError);
    expect(() => downsampleArea({ width: 4, height: 4, data: new Uint8Array(10) }, 2, 2)).toThrow(RangeError);
  });

  it('is deterministic', () => {
    const src = noise(101, 67, 42);
    expect(downsampleArea(src, 33, 20).data).toEqual(downsampleArea(src, 33, 20).data);
  });
});

describe('toWorkingSize', () => {
  it('resamples a large image to the working size and keeps small ones', () => {
    const big = toWorkingSize(noise(1030, 515, 5));
    // 515·512/1030 = 256
    expect([big.width, big.height]).toEqual([512, 256]);
    const small = toWorkingSize(noise(40, 30, 5));
    expect([small.width, small.height]).toEqual([40, 30]);
  });
});

describe('resampleLabelsNearest', () => {
  it('picks the source pixel under each destination pixel centre', () => {
    // 4×2 → 2×1: x0 ← floor(0.5·4/2) = 1, x1 ← floor(1.5·4/2) = 3; y0 ← floor(0.5·2/1) = 1
    const seg = { width: 4, height: 2, labels: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]) };
    expect(Array.from(resampleLabelsNearest(seg, 2, 1))).toEqual([5, 7]);
  });

  it('upscales by replication', () => {
    // 2×1 → 5×2: x ← floor((x+0.5)·2/5) = 0, 0, 1, 1, 1
    const seg = { width: 2, height: 1, labels: Uint8Array.from([9, 4]) };
    expect(Array.from(resampleLabelsNearest(seg, 5, 2))).toEqual([9, 9, 4, 4, 4, 9, 9, 4, 4, 4]);
  });

  it('is the identity at equal size', () => {
    const labels = Uint8Array.from({ length: 12 }, (_, i) => (i * 37) % 256);
    expect(resampleLabelsNearest({ width: 4, height: 3, labels }, 4, 3)).toEqual(labels);
  });
});

describe('resizeRgb', () => {
  it('area-averages when shrinking and interpolates on pixel centres when enlarging', () => {
    const img = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 200, 200, 200]) };
    expect(Array.from(resizeRgb(img, 4, 1).data.filter((_, i) => i % 3 === 0))).toEqual([0, 50, 150, 200]);
    expect(Array.from(resizeRgb(img, 1, 1).data)).toEqual([100, 100, 100]);
  });
});

describe('AreaAccumulator, 8-bit path', () => {
  it('gives exactly the generic path sums (Float32 copy of the same samples), in one pass and in strips', () => {
    for (const [w, h, tw, th] of [[37, 29, 5, 4], [64, 48, 16, 12], [50, 7, 33, 2], [9, 100, 2, 31], [13, 13, 13, 13]] as const) {
      const image = noise(w, h, w * 31 + h);
      const generic = new AreaAccumulator(w, h, tw, th, true).addRows(Float32Array.from(image.data), 0, h);
      const whole = new AreaAccumulator(w, h, tw, th, true).addRows(image.data, 0, h);
      expect(Array.from(whole.sums)).toEqual(Array.from(generic.sums));
      expect(Array.from(whole.squares as Float64Array)).toEqual(Array.from(generic.squares as Float64Array));
      const strips = new AreaAccumulator(w, h, tw, th, true);
      for (let y = 0; y < h; y += 3) strips.merge(new AreaAccumulator(w, h, tw, th, true).addRows(image.data, y, Math.min(h, y + 3)));
      expect(Array.from(strips.sums)).toEqual(Array.from(generic.sums));
      expect(Array.from(strips.squares as Float64Array)).toEqual(Array.from(generic.squares as Float64Array));
    }
  });

  it('gives the generic path sums where many whole source columns meet in one output column (wide sums in the filter)', () => {
    for (const [w, h, tw, th] of [[400, 200, 2, 100], [37, 29, 5, 4]] as const) {
      const image = noise(w, h, w + 3 * h);
      const generic = new AreaAccumulator(w, h, tw, th, true).addRows(Float32Array.from(image.data), 0, h);
      const columns = new AreaAccumulator(w, h, tw, th, true).addRows(image.data, 0, h);
      expect(Array.from(columns.sums)).toEqual(Array.from(generic.sums));
      expect(Array.from(columns.squares as Float64Array)).toEqual(Array.from(generic.squares as Float64Array));
    }
  });

  it('writes bands that threads share into one set of sums, the rows a boundary cuts completed by mergeBandSplits', () => {
    // Bands of 7 rows (3 to 5 source rows per output row: boundaries cut some rows, fall
    // on straddling rows, or between rows), claimed alternately by two accumulators.
    for (const [w, h, tw, th] of [[37, 29, 5, 8], [50, 61, 33, 13], [9, 100, 2, 31], [23, 40, 23, 40]] as const) {
      const image = noise(w, h, w * 5 + h);
      const whole = new AreaAccumulator(w, h, tw, th, true).addRows(image.data, 0, h);
      const finished = whole.finish();
      const rows = 7;
      const bands = (k: number): Array<[number, number]> => Array.from({ length: Math.ceil(h / rows) }, (_, b) => [rows * b, Math.min(h, rows * b + rows)] as [number, number]).filter((_, b) => b % 2 === k);
      for (const finishing of [false, true]) {
        // NaN where nothing was written: every value must be written once, never added to.
        const sums = new Float64Array(tw * th * 3).fill(NaN), squares = new Float64Array(tw * th * 3).fill(NaN);
        const slots = bandSplitRows(0, h, rows) * tw * 3;
        const split = { first: 0, rows, sums: new Float64Array(slots).fill(NaN), squares: new Float64Array(slots).fill(NaN) };
        // With `finish`, each accumulator finishes the rows it completes instead of writing their sums; the cut rows are finished after the merge.
        const finish = finishing ? { image: new Float32Array(tw * th * 3).fill(NaN), spread: new Float32Array(tw * th * 3).fill(NaN), valueScale: 1 } : undefined;
        for (const k of [0, 1]) new AreaAccumulator(w, h, tw, th, true, { sums, squares, split, finish }).addRanges(image.data, bands(k));
        const merged = mergeBandSplits(split, h, h, tw, th, sums, squares);
        if (!finish) {
          expect(Array.from(sums)).toEqual(Array.from(whole.sums));
          expect(Array.from(squares)).toEqual(Array.from(whole.squares as Float64Array));
          continue;
        }
        const len = tw * 3;
        for (const row of merged) {
          expect(Array.from(sums.subarray(row * len, (row + 1) * len))).toEqual(Array.from(whole.sums.subarray(row * len, (row + 1) * len)));
          finishAreaRange(sums, squares, areaScale(w * h, 1), finish.image, finish.spread, row * len, (row + 1) * len);
        }
        expect(Array.from(finish.image)).toEqual(Array.from(finished.image.data));
        expect(Array.from(finish.spread)).toEqual(Array.from(finished.spread as Float32Array));
      }
    }
  });

  it('rejects bands shorter than an output row, and shared bands of a non-8-bit source', () => {
    const image = noise(20, 40, 1);
    const split = { first: 0, rows: 2, sums: new Float64Array(bandSplitRows(0, 40, 2) * 6), squares: null };
    const acc = new AreaAccumulator(20, 40, 2, 4, false, { sums: new Float64Array(24), squares: null, split });
    expect(() => acc.addRanges(image.data, [[0, 2], [2, 4], [4, 6], [6, 8], [8, 10], [10, 12], [12, 14]])).toThrow(/bands too short/);
    expect(() => new AreaAccumulator(20, 40, 2, 4, false, { sums: new Float64Array(24), squares: null, split }).addRows(Float32Array.from(image.data), 0, 40)).toThrow(/8-bit/);
  });

  it('gives the same sums from interleaved bands of rows (two threads claiming bands), 8-bit and generic', () => {
    for (const [w, h, tw, th] of [[37, 29, 5, 4], [50, 7, 33, 2], [9, 100, 2, 31]] as const) {
      const image = noise(w, h, w * 7 + h);
      const bands = (k: number): Array<[number, number]> => Array.from({ length: Math.ceil(h / 4) }, (_, b) => [4 * b, Math.min(h, 4 * b + 4)] as [number, number]).filter((_, b) => b % 2 === k);
      for (const src of [image.data, Float32Array.from(image.data)]) {
        const whole = new AreaAccumulator(w, h, tw, th, true).addRows(src, 0, h);
        const a = new AreaAccumulator(w, h, tw, th, true).addRanges(src, bands(0));
        const b = new AreaAccumulator(w, h, tw, th, true).addRanges(src, bands(1));
        const merged = new AreaAccumulator(w, h, tw, th, true).merge(a).merge(b);
        expect(Array.from(merged.sums)).toEqual(Array.from(whole.sums));
        expect(Array.from(merged.squares as Float64Array)).toEqual(Array.from(whole.squares as Float64Array));
      }
    }
  });
});
