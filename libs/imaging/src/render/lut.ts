import { sampleOperator } from './operator-kernel.js';
import type { RegionOperator } from './operators.js';

/** Nodes per axis of the 3-D LUT that carries a region's transform to full resolution. */
export const LUT_SIZE = 25;

/**
 * Samples a region's transform on a size³ lattice over the sRGB-encoded cube, in the
 * order red-major (index ((r·size + g)·size + b)·3), values sRGB-encoded 0..1 (on the
 * WebAssembly kernels, see operator-kernel.ts).
 * At 25 nodes per axis, tetrahedral interpolation stays within 0.2–0.5 of an 8-bit code
 * of the exact transform on average (measured over random colours for strong edits);
 * the largest deviations (tens of codes) are strongly boosted, saturated colours where
 * the gamut mapping bends the transform within one lattice cell. The planner measures
 * the LUT-rendered result, not the exact transform, so these do not bias the scores.
 */
export function buildLut(op: RegionOperator, size = LUT_SIZE): Float32Array {
  const lut = new Float32Array(size * size * size * 3);
  sampleOperator(op, size, lut);
  return lut;
}

/**
 * Writes `buildLut(op, size)`'s values at the given lattice nodes only (offsets into
 * the LUT, multiples of 3), the same numbers to the bit. The planner's simulation reads
 * a few percent of a region's lattice, so it samples just those.
 */
export function fillLutNodes(lut: Float32Array, op: RegionOperator, size: number, nodes: Int32Array): void {
  sampleOperator(op, size, lut, nodes);
}

/**
 * Tetrahedral interpolation in a size³ LUT (Kasson, Nin, Plouffe & Hafner, "Performing
 * color space conversions with three-dimensional linear interpolation", J. Electronic
 * Imaging 4(3), 1995): 4 lattice reads per colour instead of trilinear's 8, and exact
 * on the grey axis. Coordinates are lattice units (0..size−1); writes out[0..2].
 */
export function tetrahedral(lut: Float32Array, size: number, fr: number, fg: number, fb: number, out: Float64Array | Float32Array): void {
  const m = size - 2;
  let ir = fr | 0, ig = fg | 0, ib = fb | 0;
  if (ir > m) ir = m;
  if (ig > m) ig = m;
  if (ib > m) ib = m;
  const dr = fr - ir, dg = fg - ig, db = fb - ib;
  const sR = size * size * 3, sG = size * 3, sB = 3;
  const base = ir * sR + ig * sG + ib * sB;
  let o1: number, o2: number, w0: number, w1: number, w2: number, w3: number;
  if (dr >= dg) {
    if (dg >= db) { o1 = sR; o2 = sR + sG; w0 = 1 - dr; w1 = dr - dg; w2 = dg - db; w3 = db; }
    else if (dr >= db) { o1 = sR; o2 = sR + sB; w0 = 1 - dr; w1 = dr - db; w2 = db - dg; w3 = dg; }
    else { o1 = sB; o2 = sR + sB; w0 = 1 - db; w1 = db - dr; w2 = dr - dg; w3 = dg; }
  } else if (db >= dg) { o1 = sB; o2 = sG + sB; w0 = 1 - db; w1 = db - dg; w2 = dg - dr; w3 = dr; }
  else if (db >= dr) { o1 = sG; o2 = sG + sB; w0 = 1 - dg; w1 = dg - db; w2 = db - dr; w3 = dr; }
  else { o1 = sG; o2 = sR + sG; w0 = 1 - dg; w1 = dg - dr; w2 = dr - db; w3 = db; }
  const c1 = base + o1, c2 = base + o2, c3 = base + sR + sG + sB;
  out[0] = w0 * lut[base] + w1 * lut[c1] + w2 * lut[c2] + w3 * lut[c3];
  out[1] = w0 * lut[base + 1] + w1 * lut[c1 + 1] + w2 * lut[c2 + 1] + w3 * lut[c3 + 1];
  out[2] = w0 * lut[base + 2] + w1 * lut[c1 + 2] + w2 * lut[c2 + 2] + w3 * lut[c3 + 2];
}
