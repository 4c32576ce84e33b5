import { describe, expect, it } from 'vitest';
import { prepareImage } from '../analysis.js';
import { DEFAULT_CALIBRATION as table } from '../calibration/default.js';
import { loadSample, loadSampleMask } from '../testing/fixtures.js';
import { AreaAccumulator } from '../resample.js';
import { allocateLike, applyPlan, applyPlanRanges, applyPlanRows } from './apply.js';
import { tetrahedral } from './lut.js';
import { CELL_MIXED, CELL_UNTOUCHED, cellsAcross } from './plan.js';
import { planRender } from './render.js';

describe('applyPlanRows (the full-resolution pass)', async () => {
  const name = 'picosdeeuropa_by_Aitzol_Berasategi.jpg';
  const image = await loadSample(name, 1200);
  const mask = await loadSampleMask(name);
  const prepared = prepareImage(image, mask, table);
  const r1 = prepared.regions.find((r) => r.id === 1);
  if (!r1) throw new Error('no region 1');
  const { plan } = planRender(prepared, { regions: [{ id: 1, values: { brightness: r1.values.brightness + 0.3 } }] }, table);
  const out = applyPlan(plan, image);
  const { width: W, height: H } = image;
  const cellOf = (x: number, y: number) => {
    const gx = Math.min(plan.gridWidth - 1, Math.max(0, ((x + 0.5) * plan.gridWidth) / W - 0.5));
    const gy = Math.min(plan.gridHeight - 1, Math.max(0, ((y + 0.5) * plan.gridHeight) / H - 0.5));
    const cw = cellsAcross(plan.gridWidth), ch = cellsAcross(plan.gridHeight);
    return plan.cellMode[Math.min(ch - 1, Math.floor(gy)) * cw + Math.min(cw - 1, Math.floor(gx))];
  };

  it('copies untouched cells bit for bit and maps single-region cells through the LUT', () => {
    let untouched = 0, pure = 0, mixed = 0;
    const t = new Float64Array(3);
    const scale = (plan.lutSize - 1) / 255;
    for (let y = 0; y < H; y += 3) {
      for (let x = 0; x < W; x += 3) {
        const p = 3 * (y * W + x), mode = cellOf(x, y);
        if (mode === CELL_UNTOUCHED) {
          untouched++;
          expect([out.data[p], out.data[p + 1], out.data[p + 2]]).toEqual([image.data[p], image.data[p + 1], image.data[p + 2]]);
        } else if (mode === CELL_MIXED) {
          mixed++;
        } else {
          pure++;
          tetrahedral(plan.regions[mode - 1].lut, plan.lutSize, image.data[p] * scale, image.data[p + 1] * scale, image.data[p + 2] * scale, t);
          for (let c = 0; c < 3; c++) expect(Math.abs(out.data[p + c] - t[c] * 255)).toBeLessThanOrEqual(0.5 + 1e-3);
        }
      }
    }
    expect(untouched).toBeGreaterThan(1000);
    expect(pure).toBeGreaterThan(1000);
    expect(mixed).toBeGreaterThan(10);
  });

  it('gives the same pixels in strips as in one pass, and in place', () => {
    const strips = allocateLike(image);
    for (let y = 0; y < H; y += 97) applyPlanRows(plan, image, strips, y, Math.min(H, y + 97));
    expect(Buffer.compare(Buffer.from(strips.data.buffer), Buffer.from(out.data.buffer))).toBe(0);
    const inPlace = { ...image, data: image.data.slice() };
    applyPlanRows(plan, inPlace, inPlace);
    expect(Buffer.compare(Buffer.from(inPlace.data.buffer), Buffer.from(out.data.buffer))).toBe(0);
  });

  it('gives the same pixels and output sums from interleaved bands of rows (two threads claiming bands)', () => {
    const bands = (k: number): Array<[number, number]> => Array.from({ length: Math.ceil(H / 64) }, (_, b) => [64 * b, Math.min(H, 64 * b + 64)] as [number, number]).filter((_, b) => b % 2 === k);
    const banded = allocateLike(image);
    const size = { w: plan.gridWidth, h: plan.gridHeight };
    const a = new AreaAccumulator(W, H, size.w, size.h), b = new AreaAccumulator(W, H, size.w, size.h);
    applyPlanRanges(plan, image, banded, bands(0), a);
    applyPlanRanges(plan, image, banded, bands(1), b);
    expect(Buffer.compare(Buffer.from(banded.data.buffer), Buffer.from(out.data.buffer))).toBe(0);
    const whole = new AreaAccumulator(W, H, size.w, size.h).addRows(out.data, 0, H);
    expect(Array.from(new AreaAccumulator(W, H, size.w, size.h).merge(a).merge(b).sums)).toEqual(Array.from(whole.sums));
  });
});
