import { describe, expect, it } from 'vitest';
import { SegmenterError } from './errors.js';
import { lowestFreeId, mergeMask } from './merge.js';

const region = (id: number) => ({ id, area: 0, bbox: { x0: 0, y0: 0, x1: 0, y1: 0 }, centroid: { x: 0, y: 0 }, label: `r${id}`, confidence: 0.5, engine: 'e@1' });

describe('lowestFreeId', () => {
  it('takes the lowest id the table does not use', () => {
    expect(lowestFreeId([])).toBe(0);
    expect(lowestFreeId([region(0), region(1), region(3)])).toBe(2);
    expect(lowestFreeId([region(1)])).toBe(0);
  });

  it('none free is too_many_regions', () => {
    const full = Array.from({ length: 256 }, (_, id) => region(id));
    expect(() => lowestFreeId(full)).toThrow(expect.objectContaining({ name: 'SegmenterError', code: 'too_many_regions' }));
  });
});

describe('mergeMask', () => {
  // 4×2: ids 0 0 3 3 / 0 0 3 3
  const labels = Uint8Array.from([0, 0, 3, 3, 0, 0, 3, 3]);
  const input = { width: 4, height: 2, labels, regions: [region(0), region(3)], regionId: 1, label: 'boat', engine: 'e@1+prompt' };

  it('moves the inside pixels (≥ 128) to the new id and recomputes every region', () => {
    const mask = Uint8Array.from([0, 127, 128, 255, 0, 0, 0, 0]);
    const out = mergeMask({ ...input, mask });
    expect(Array.from(out.labels)).toEqual([0, 0, 1, 1, 0, 0, 3, 3]);
    expect(Array.from(labels)).toEqual([0, 0, 3, 3, 0, 0, 3, 3]); // input untouched
    expect(out.regions).toEqual([
      { id: 0, area: 4, bbox: { x0: 0, y0: 0, x1: 2, y1: 2 }, centroid: { x: 1, y: 1 }, label: 'r0', confidence: 0.5, engine: 'e@1' },
      { id: 1, area: 2, bbox: { x0: 2, y0: 0, x1: 4, y1: 1 }, centroid: { x: 3, y: 0.5 }, label: 'boat', confidence: 1, engine: 'e@1+prompt' },
      { id: 3, area: 2, bbox: { x0: 2, y0: 1, x1: 4, y1: 2 }, centroid: { x: 3, y: 1.5 }, label: 'r3', confidence: 0.5, engine: 'e@1' },
    ]);
  });

  it('drops a region left without pixels', () => {
    const out = mergeMask({ ...input, mask: Uint8Array.from([0, 0, 255, 255, 0, 0, 255, 255]) });
    expect(out.regions.map((r) => r.id)).toEqual([0, 1]);
  });

  it('an empty mask is empty_mask', () => {
    const error = (() => {
      try {
        mergeMask({ ...input, mask: new Uint8Array(8).fill(127) });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SegmenterError);
    expect(error).toMatchObject({ code: 'empty_mask' });
  });

  it('a raster that already uses the "free" id is a bug, not bad input', () => {
    expect(() => mergeMask({ ...input, regionId: 3, regions: [region(0)], mask: Uint8Array.from([255, 0, 0, 0, 0, 0, 0, 0]) })).toThrow(/does not list/);
  });
});
