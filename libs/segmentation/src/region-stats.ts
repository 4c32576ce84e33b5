/**
 * Geometry of every region in a label raster: area, bounding box, centroid.
 * One pass over the raster; ids absent from it are not listed.
 */
import type { Box } from './types.js';

export interface RegionGeometry {
  readonly id: number;
  readonly area: number;
  readonly bbox: Box;
  readonly centroid: { readonly x: number; readonly y: number };
}

export function regionGeometry(labels: Uint8Array, width: number, height: number): RegionGeometry[] {
  const area = new Float64Array(256), sx = new Float64Array(256), sy = new Float64Array(256);
  const x0 = new Int32Array(256).fill(width), y0 = new Int32Array(256).fill(height);
  const x1 = new Int32Array(256), y1 = new Int32Array(256);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const id = labels[i];
      area[id]++;
      sx[id] += x;
      sy[id] += y;
      if (x < x0[id]) x0[id] = x;
      if (x >= x1[id]) x1[id] = x + 1;
      if (y < y0[id]) y0[id] = y;
      if (y >= y1[id]) y1[id] = y + 1;
    }
  }
  const out: RegionGeometry[] = [];
  for (let id = 0; id < 256; id++) {
    if (area[id] === 0) continue;
    out.push({
      id,
      area: area[id],
      bbox: { x0: x0[id], y0: y0[id], x1: x1[id], y1: y1[id] },
      centroid: { x: sx[id] / area[id] + 0.5, y: sy[id] / area[id] + 0.5 },
    });
  }
  return out;
}
