/**
 * The inner loops of the full-resolution pass (apply.ts): a run of pixels through one
 * region's LUT, and a run of boundary pixels blending several regions. Tetrahedral
 * interpolation as in lut.ts (Kasson et al. 1995), with every input code's lattice cell
 * and fraction precomputed, so a lookup is three table reads, one of six tetrahedra and
 * four lattice reads per channel. No allocation, no Float64 intermediates in memory.
 * (16-bit images; 8-bit ones run on the WebAssembly kernels, apply-wasm.ts.)
 */

/** Per input code (0..max): lattice offsets premultiplied by the red/green/blue strides, and the fraction. */
export interface LatticeTables {
  readonly size: number;
  /** Strides of the red and green axes in an RGB LUT (blue's is 3). */
  readonly sR: number;
  readonly sG: number;
  readonly idxR: Int32Array;
  readonly idxG: Int32Array;
  readonly idxB: Int32Array;
  readonly frac: Float32Array;
}

export function latticeTables(size: number, max: number): LatticeTables {
  const scale = (size - 1) / max;
  const sR = size * size * 3, sG = size * 3;
  const codes = max + 1;
  const idxR = new Int32Array(codes), idxG = new Int32Array(codes), idxB = new Int32Array(codes), frac = new Float32Array(codes);
  for (let v = 0; v < codes; v++) {
    const f = v * scale;
    const i = Math.min(size - 2, Math.floor(f));
    idxR[v] = i * sR;
    idxG[v] = i * sG;
    idxB[v] = i * 3;
    frac[v] = f - i;
  }
  return { size, sR, sG, idxR, idxG, idxB, frac };
}

/**
 * Pixels [pa, pb) (sample offsets) of `s` through `lut` (pre-scaled to output codes,
 * +0.5 folded in) into `d`; any bit depth.
 */
export function lutRun(lut: Float32Array, t: LatticeTables, s: Uint8Array | Uint16Array, d: Uint8Array | Uint16Array, pa: number, pb: number): void {
  const { sR, sG, idxR, idxG, idxB, frac } = t;
  const sRGB = sR + sG + 3;
  for (let p = pa; p < pb; p += 3) {
    const r = s[p], g = s[p + 1], b = s[p + 2];
    const fr = frac[r], fg = frac[g], fb = frac[b];
    const base = idxR[r] + idxG[g] + idxB[b];
    let o1: number, o2: number, w0: number, w1: number, w2: number, w3: number;
    if (fr >= fg) {
      if (fg >= fb) { o1 = sR; o2 = sR + sG; w0 = 1 - fr; w1 = fr - fg; w2 = fg - fb; w3 = fb; }
      else if (fr >= fb) { o1 = sR; o2 = sR + 3; w0 = 1 - fr; w1 = fr - fb; w2 = fb - fg; w3 = fg; }
      else { o1 = 3; o2 = sR + 3; w0 = 1 - fb; w1 = fb - fr; w2 = fr - fg; w3 = fg; }
    } else if (fb >= fg) { o1 = 3; o2 = sG + 3; w0 = 1 - fb; w1 = fb - fg; w2 = fg - fr; w3 = fr; }
    else if (fb >= fr) { o1 = sG; o2 = sG + 3; w0 = 1 - fg; w1 = fg - fb; w2 = fb - fr; w3 = fr; }
    else { o1 = sG; o2 = sR + sG; w0 = 1 - fg; w1 = fg - fr; w2 = fr - fb; w3 = fb; }
    const c1 = base + o1, c2 = base + o2, c3 = base + sRGB;
    d[p] = w0 * lut[base] + w1 * lut[c1] + w2 * lut[c2] + w3 * lut[c3];
    d[p + 1] = w0 * lut[base + 1] + w1 * lut[c1 + 1] + w2 * lut[c2 + 1] + w3 * lut[c3 + 1];
    d[p + 2] = w0 * lut[base + 2] + w1 * lut[c1 + 2] + w2 * lut[c2 + 2] + w3 * lut[c3 + 2];
  }
}

/**
 * Boundary pixels [pa, pb) (first column xa): out = x + Σ_k w_k·(f_k(x) − x) over the
 * `nActive` regions in `active`, whose feathering coefficients on this row are
 * coef[8i .. 8i+7] (a_r, a_g, a_b, b at the cell's left, then right grid column);
 * w_k = clamp(a·x/max + b, 0, 1) interpolated across the cell by the column's grid
 * position `gx` (null: a one-column grid). The lattice cell and tetrahedron of a pixel
 * are the same for every region, so they are found once.
 */
export function blendRun(
  luts: readonly Float32Array[],
  t: LatticeTables,
  active: Int32Array,
  nActive: number,
  coef: Float64Array,
  s: Uint8Array | Uint16Array,
  d: Uint8Array | Uint16Array,
  pa: number,
  pb: number,
  xa: number,
  gx: Float32Array | null,
  gx0: number,
  max: number,
): void {
  const { sR, sG, idxR, idxG, idxB, frac } = t;
  const sRGB = sR + sG + 3;
  for (let p = pa, x = xa; p < pb; p += 3, x++) {
    const r = s[p], g = s[p + 1], b = s[p + 2];
    const nr = r / max, ng = g / max, nb = b / max;
    const tx = gx ? gx[x] - gx0 : 0;
    const fr = frac[r], fg = frac[g], fb = frac[b];
    const base = idxR[r] + idxG[g] + idxB[b];
    let o1: number, o2: number, w0: number, w1: number, w2: number, w3: number;
    if (fr >= fg) {
      if (fg >= fb) { o1 = sR; o2 = sR + sG; w0 = 1 - fr; w1 = fr - fg; w2 = fg - fb; w3 = fb; }
      else if (fr >= fb) { o1 = sR; o2 = sR + 3; w0 = 1 - fr; w1 = fr - fb; w2 = fb - fg; w3 = fg; }
      else { o1 = 3; o2 = sR + 3; w0 = 1 - fb; w1 = fb - fr; w2 = fr - fg; w3 = fg; }
    } else if (fb >= fg) { o1 = 3; o2 = sG + 3; w0 = 1 - fb; w1 = fb - fg; w2 = fg - fr; w3 = fr; }
    else if (fb >= fr) { o1 = sG; o2 = sG + 3; w0 = 1 - fg; w1 = fg - fb; w2 = fb - fr; w3 = fr; }
    else { o1 = sG; o2 = sR + sG; w0 = 1 - fg; w1 = fg - fr; w2 = fr - fb; w3 = fb; }
    const c1 = base + o1, c2 = base + o2, c3 = base + sRGB;
    let outR = r, outG = g, outB = b;
    for (let i = 0; i < nActive; i++) {
      const o = 8 * i;
      const w = (1 - tx) * (coef[o] * nr + coef[o + 1] * ng + coef[o + 2] * nb + coef[o + 3]) + tx * (coef[o + 4] * nr + coef[o + 5] * ng + coef[o + 6] * nb + coef[o + 7]);
      if (w <= 0) continue;
      const wc = w >= 1 ? 1 : w;
      const lut = luts[active[i]];
      outR += wc * (w0 * lut[base] + w1 * lut[c1] + w2 * lut[c2] + w3 * lut[c3] - 0.5 - r);
      outG += wc * (w0 * lut[base + 1] + w1 * lut[c1 + 1] + w2 * lut[c2 + 1] + w3 * lut[c3 + 1] - 0.5 - g);
      outB += wc * (w0 * lut[base + 2] + w1 * lut[c1 + 2] + w2 * lut[c2 + 2] + w3 * lut[c3 + 2] - 0.5 - b);
    }
    d[p] = outR <= 0 ? 0 : outR >= max ? max : outR + 0.5;
    d[p + 1] = outG <= 0 ? 0 : outG >= max ? max : outG + 0.5;
    d[p + 2] = outB <= 0 ? 0 : outB >= max ? max : outB + 0.5;
  }
}
