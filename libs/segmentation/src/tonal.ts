/**
 * Tonal pseudo-regions: soft masks over a luminance range, available by label
 * ("the shadows", "the highlights") but not part of the region raster.
 *
 * L* (CIE 1976 lightness of the pixel's relative luminance Y, IEC 61966-2-1 sRGB
 * primaries): shadows fade out between L* 15 and 40, highlights fade in between 60 and 85,
 * with a smoothstep so the mask has no visible edge.
 */
import { SRGB8_TO_LINEAR, labF, srgb16ToLinearTable, type RgbImage } from '@pertouch/imaging';
import type { Mask, TonalLabel } from './types.js';

export const TONAL_RANGES: Record<TonalLabel, { readonly from: number; readonly to: number; readonly rising: boolean }> = {
  shadows: { from: 15, to: 40, rising: false },
  highlights: { from: 60, to: 85, rising: true },
};

/** Hermite smoothstep: 0 at edge0, 1 at edge1, zero slope at both. */
export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

/** Relative luminance Y of linear sRGB (IEC 61966-2-1, BT.709 primaries). */
export function relativeLuminance(r: number, g: number, b: number): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function tonalMask(image: RgbImage, label: TonalLabel): Mask {
  const { width, height, data } = image;
  const table = data instanceof Uint16Array ? srgb16ToLinearTable() : SRGB8_TO_LINEAR;
  const range = TONAL_RANGES[label];
  // L* → mask value, tabulated over L* so each pixel costs a few lookups.
  const steps = 1024;
  const byLightness = new Uint8Array(steps + 1);
  for (let k = 0; k <= steps; k++) {
    const s = smoothstep(range.from, range.to, (100 * k) / steps);
    byLightness[k] = Math.round(255 * (range.rising ? s : 1 - s));
  }
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const Y = relativeLuminance(table[data[3 * i]], table[data[3 * i + 1]], table[data[3 * i + 2]]);
    const lightness = 116 * labF(Y) - 16;
    out[i] = byLightness[Math.max(0, Math.min(steps, Math.round((lightness / 100) * steps)))];
  }
  return { width, height, data: out };
}
