import { describe, expect, it } from 'vitest';
import type { AttributeRecord } from '../image.js';
import { MapValidationError, fromDenseMap, parseParameterMap, resolveMap, toDenseMap, toSparseMap, uniformMap, type ResolvedMap } from './parameter-map.js';

const zero: AttributeRecord = { colorfulness: 0, contrast: 0, temperature: 0, brightness: 0 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof MapValidationError) return `${e.code} ${e.path}`;
    throw e;
  }
  return undefined;
}

describe('parseParameterMap', () => {
  it('accepts the sparse form', () => {
    const map = parseParameterMap({ regions: [{ id: 2, label: 'sky', values: { brightness: 0.3 } }], global: { contrast: -0.2 } }, new Set([1, 2]));
    expect(map.regions[0]).toEqual({ id: 2, label: 'sky', values: { brightness: 0.3 } });
    expect(map.global).toEqual({ contrast: -0.2 });
  });

  it.each([
    ['unknown attribute', { regions: [{ id: 1, values: { saturation: 0.1 } }] }, 'unknown_attribute $.regions[0].values.saturation'],
    ['value above 1', { regions: [{ id: 1, values: { brightness: 1.5 } }] }, 'value_out_of_range $.regions[0].values.brightness'],
    ['value below -1 in global', { global: { contrast: -1.0001 } }, 'value_out_of_range $.global.contrast'],
    ['NaN', { regions: [{ id: 1, values: { brightness: NaN } }] }, 'not_a_number $.regions[0].values.brightness'],
    ['a string value', { regions: [{ id: 1, values: { brightness: '0.2' } }] }, 'not_a_number $.regions[0].values.brightness'],
    ['unknown region', { regions: [{ id: 9, values: {} }] }, 'unknown_region $.regions[0].id'],
    ['duplicate region', { regions: [{ id: 1, values: {} }, { id: 1, values: {} }] }, 'duplicate_region $.regions[1].id'],
    ['non-integer id', { regions: [{ id: 1.5, values: {} }] }, 'invalid_map $.regions[0].id'],
    ['not an object', [], 'invalid_map $'],
    ['unexpected field', { regions: [], extra: 1 }, 'invalid_map $.extra'],
  ])('rejects %s with a precise code and path', (_name, value, expected) => {
    expect(codeOf(() => parseParameterMap(value, new Set([1, 2])))).toBe(expected);
  });

  it('Infinity is out of range, not silently clamped', () => {
    expect(codeOf(() => parseParameterMap({ global: { brightness: Infinity } }))).toBe('value_out_of_range $.global.brightness');
  });
});

describe('resolveMap (compositing)', () => {
  const base: ResolvedMap = new Map([
    [0, { colorfulness: 0.1, contrast: 0.2, temperature: 0.3, brightness: 0.4 }],
    [1, { ...zero }],
  ]);

  it('applies global values to every region, then region values override', () => {
    const out = resolveMap({ global: { brightness: -0.5 }, regions: [{ id: 1, values: { brightness: 0.7 } }] }, base);
    expect(out.get(0)).toEqual({ colorfulness: 0.1, contrast: 0.2, temperature: 0.3, brightness: -0.5 });
    expect(out.get(1)).toEqual({ ...zero, brightness: 0.7 });
  });

  it('keeps the base where the map is silent and never mutates the base', () => {
    const out = resolveMap({ regions: [] }, base);
    expect(out.get(0)).toEqual(base.get(0));
    expect(out.get(0)).not.toBe(base.get(0));
  });

  it('clamps to [-1, 1] (e.g. a base already outside after arithmetic)', () => {
    const out = resolveMap(uniformMap({}), new Map([[0, { ...zero, contrast: 1.7, brightness: -3 }]]));
    expect(out.get(0)?.contrast).toBe(1);
    expect(out.get(0)?.brightness).toBe(-1);
  });

  it('rejects a region id the base does not have', () => {
    expect(() => resolveMap({ regions: [{ id: 7, values: {} }] }, base)).toThrow(MapValidationError);
  });
});

describe('dense raster form', () => {
  it('round-trips through K = 4 planes at the segmentation resolution', () => {
    const seg = { width: 3, height: 2, labels: Uint8Array.from([0, 0, 1, 1, 1, 0]) };
    const resolved: ResolvedMap = new Map([
      [0, { colorfulness: 0.1, contrast: -0.2, temperature: 0.3, brightness: -0.4 }],
      [1, { colorfulness: 0.5, contrast: 0.6, temperature: -0.7, brightness: 0.8 }],
    ]);
    const dense = toDenseMap(resolved, seg);
    expect(dense).toHaveLength(4 * 6);
    // Plane 3 (brightness), pixel 2 belongs to region 1.
    expect(dense[3 * 6 + 2]).toBeCloseTo(0.8, 6);
    const back = fromDenseMap(dense, seg);
    for (const [id, v] of resolved) for (const [k, x] of Object.entries(v)) expect(back.get(id)?.[k as keyof AttributeRecord]).toBeCloseTo(x, 6);
    expect(toSparseMap(back, new Map([[1, 'sky']])).regions[1]).toMatchObject({ id: 1, label: 'sky' });
  });

  it('rejects a dense map of the wrong size', () => {
    expect(() => fromDenseMap(new Float32Array(5), { width: 2, height: 2, labels: new Uint8Array(4) })).toThrow(MapValidationError);
  });
});
