/** Expected bits from NumPy 2.4: np.array([v], dtype=np.float32).astype(np.float16).view(np.uint16). */
import { describe, expect, it } from 'vitest';
import { float16ToFloat32, float32ToFloat16, fromFloat16Bits, toFloat16Bits } from './float16.js';

const cases: readonly [number, number][] = [
  [0, 0x0000],
  [-0, 0x8000],
  [1, 0x3c00],
  [-2.5, 0xc100],
  [0.1, 0x2e66],
  [65504, 0x7bff],
  [65520, 0x7c00], // rounds up past the largest half: ∞
  [1e5, 0x7c00],
  [6.103515625e-5, 0x0400], // smallest normal
  [2 ** -24, 0x0001], // smallest subnormal
  [2 ** -25, 0x0000], // exactly half of it: ties to even (0)
  [2.9805303114471826e-8, 0x0001], // just above half: rounds up
  [1e-9, 0x0000],
  [0.3333333432674408, 0x3555],
  [2049, 0x6800], // tie between 2048 and 2050: even mantissa (2048)
  [2051, 0x6802], // tie between 2050 and 2052: even mantissa (2052)
  [3.14159265, 0x4248],
  [Infinity, 0x7c00],
  [-Infinity, 0xfc00],
];

describe('float16', () => {
  it('rounds float32 to the nearest half, ties to even, like NumPy', () => {
    for (const [value, bits] of cases) expect([value, toFloat16Bits(value)]).toEqual([value, bits]);
  });
  it('keeps NaN a NaN', () => {
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(Number.NaN)))).toBe(true);
  });
  it('decodes bits to their values', () => {
    expect(fromFloat16Bits(0x2e66)).toBe(0.0999755859375);
    expect(fromFloat16Bits(0x3555)).toBe(0.333251953125);
    expect(fromFloat16Bits(0x0001)).toBe(2 ** -24);
    expect(fromFloat16Bits(0xfc00)).toBe(-Infinity);
  });
  it('round-trips every finite half exactly (arrays)', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const finite = all.filter((h) => ((h >> 10) & 0x1f) !== 0x1f);
    expect(float32ToFloat16(float16ToFloat32(finite))).toEqual(finite);
  });
});
