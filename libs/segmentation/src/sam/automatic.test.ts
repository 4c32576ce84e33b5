import { describe, expect, it } from 'vitest';
import {
  MAX_REGIONS, MaskAssigner, REST_REGION_ID, UNASSIGNED, autoWorkingSize, finaliseRegions, gridPoints, openRegions, workingAreaThreshold,
} from './automatic.js';

/** Logits of a w×h raster: +1 inside the [x0,x1)×[y0,y1) rectangle, −1 outside. */
function rectLogits(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Float32Array {
  const out = new Float32Array(w * h).fill(-1);
  for (let y = y0; y < y1; y++) out.fill(1, y * w + x0, y * w + x1);
  return out;
}

describe('gridPoints', () => {
  it('puts n×n clicks on cell centres, row by row', () => {
    expect(Array.from(gridPoints(2, 100, 50))).toEqual([25, 12.5, 75, 12.5, 25, 37.5, 75, 37.5]);
    expect(gridPoints(32, 640, 480).length).toBe(32 * 32 * 2);
  });
});

describe('working size and area threshold', () => {
  it('keeps small images and shrinks large ones to maxSide', () => {
    expect(autoWorkingSize(800, 600, 1024)).toEqual({ width: 800, height: 600 });
    expect(autoWorkingSize(4000, 3000, 1024)).toEqual({ width: 1024, height: 768 });
  });
  it('scales the full-resolution minimum area by the pixel-count ratio', () => {
    expect(workingAreaThreshold(400, { width: 1000, height: 500 }, { width: 4000, height: 2000 })).toBe(25);
    expect(workingAreaThreshold(400, { width: 10, height: 10 }, { width: 10, height: 10 })).toBe(400);
  });
});

describe('MaskAssigner', () => {
  it('gives each pixel the highest-scoring mask covering it, earliest on ties', () => {
    const a = new MaskAssigner(6, 1);
    a.add(rectLogits(6, 1, 0, 0, 4, 1), 0, 0.5); // covers x 0..3
    a.add(rectLogits(6, 1, 2, 0, 6, 1), 0, 0.9); // covers x 2..5, wins the overlap
    a.add(rectLogits(6, 1, 0, 0, 1, 1), 0, 0.5); // ties mask 0 at x 0: earlier wins
    a.add(rectLogits(6, 1, 0, 0, 6, 1), 0, 0.1); // lower everywhere: wins nothing
    expect(Array.from(a.owner)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(a.maskCount).toBe(4);
  });
  it('reads a mask at an offset and leaves uncovered pixels unassigned', () => {
    const a = new MaskAssigner(2, 2);
    const two = new Float32Array([-1, -1, -1, -1, 1, -1, -1, -1]);
    a.add(two, 4, 0.3);
    expect(Array.from(a.owner)).toEqual([0, UNASSIGNED, UNASSIGNED, UNASSIGNED]);
  });
});

describe('openRegions', () => {
  it('removes 1-px specks and 1-px lines but keeps regions of 3×3 and more', () => {
    const w = 12, h = 10;
    const owner = new Int32Array(w * h).fill(0);
    owner[2 * w + 2] = 1; // isolated speck inside region 0
    for (let y = 5; y < 9; y++) owner[y * w + 2] = 2; // 1-px wide vertical line
    for (let y = 1; y < 4; y++) for (let x = 7; x < 10; x++) owner[y * w + x] = 3; // 3×3 block
    const opened = openRegions(owner, w, h);
    expect(opened[2 * w + 2]).toBe(UNASSIGNED);
    for (let y = 5; y < 9; y++) expect(opened[y * w + 2]).toBe(UNASSIGNED);
    for (let y = 1; y < 4; y++) for (let x = 7; x < 10; x++) expect(opened[y * w + x]).toBe(3);
    // Region 0 loses only the ring of pixels with no all-0 3×3 window (around the speck and the line).
    expect(opened[0]).toBe(0); // the image border does not erode
    expect(opened[(h - 1) * w + w - 1]).toBe(0);
    expect(opened[2 * w + 1]).toBe(0); // beside the speck, still inside an all-0 window
  });
  it('never adds pixels and leaves unassigned pixels unassigned', () => {
    const owner = Int32Array.from([UNASSIGNED, 0, 0, 0, 0, 0, 0, 0, 0]);
    const opened = openRegions(owner, 3, 3);
    expect(opened[0]).toBe(UNASSIGNED);
    // Border-clipped windows (outside counts as in the region) cover every other pixel.
    for (let i = 1; i < 9; i++) expect(opened[i]).toBe(0);
  });
});

describe('finaliseRegions', () => {
  it('drops regions under the minimum area into rest and numbers the rest by area', () => {
    const owner = new Int32Array(100);
    owner.fill(0, 0, 50); // 50 px
    owner.fill(1, 50, 90); // 40 px
    owner.fill(2, 90, 95); // 5 px → dropped
    owner.fill(UNASSIGNED, 95, 100);
    const labels = finaliseRegions(owner, 3, { minArea: 10 });
    expect(labels[0]).toBe(1);
    expect(labels[60]).toBe(2);
    expect(labels[92]).toBe(REST_REGION_ID);
    expect(labels[99]).toBe(REST_REGION_ID);
  });
  it('uses no rest id when everything is covered and kept', () => {
    const owner = Int32Array.from([1, 1, 0, 0, 0]);
    expect(Array.from(finaliseRegions(owner, 2, { minArea: 0 }))).toEqual([2, 2, 1, 1, 1]);
  });
  it('keeps at most 255 regions including rest: the largest, the others merged into rest', () => {
    const masks = 300;
    const owner = new Int32Array(masks * (masks + 1) / 2);
    let i = 0;
    for (let m = 0; m < masks; m++) for (let k = 0; k <= m; k++) owner[i++] = m; // mask m has m+1 px
    const labels = finaliseRegions(owner, masks, { minArea: 0 });
    const ids = new Set(labels);
    expect(ids.size).toBe(MAX_REGIONS);
    expect(ids.has(REST_REGION_ID)).toBe(true);
    expect(labels[owner.length - 1]).toBe(1); // mask 299, the largest
    expect(labels[0]).toBe(REST_REGION_ID); // mask 0, the smallest
  });
});
