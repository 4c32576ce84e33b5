import { describe, expect, it } from 'vitest';
import { smoothstep, tonalMask } from './tonal.js';

describe('tonal pseudo-regions', () => {
  const greys = [0, 30, 60, 100, 150, 200, 255];
  const image = { width: greys.length, height: 1, data: Uint8Array.from(greys.flatMap((g) => [g, g, g])) };

  it('shadows fall and highlights rise with lightness, softly', () => {
    const shadows = tonalMask(image, 'shadows').data, highlights = tonalMask(image, 'highlights').data;
    expect(shadows[0]).toBe(255);
    expect(highlights[greys.length - 1]).toBe(255);
    expect(shadows[greys.length - 1]).toBe(0);
    expect(highlights[0]).toBe(0);
    for (let i = 1; i < greys.length; i++) {
      expect(shadows[i]).toBeLessThanOrEqual(shadows[i - 1]);
      expect(highlights[i]).toBeGreaterThanOrEqual(highlights[i - 1]);
    }
    // Grey 60 is L* ≈ 25: partly shadow, not all or nothing.
    expect(shadows[2]).toBeGreaterThan(0);
    expect(shadows[2]).toBeLessThan(255);
  });

  it('smoothstep is the Hermite cubic', () => {
    expect(smoothstep(0, 1, 0.5)).toBe(0.5);
    expect(smoothstep(0, 1, 0.25)).toBeCloseTo(0.15625, 10);
  });
});
