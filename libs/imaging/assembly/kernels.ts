/**
 * WebAssembly (SIMD) kernels of the embedded renderer, in AssemblyScript: the byte loops
 * of the full-resolution 8-bit passes (area sums, the plan's application with its colour
 * caches, the output's measurement) and the planner's per-pixel loops at the working
 * size (guided filter, proxy evaluations, simulation, region statistics). Built by
 * scripts/build-wasm.mjs into src/wasm/kernels-wasm.ts (base64) and driven by
 * src/wasm/kernels.ts, whose callers lay all operands out in this module's memory;
 * nothing here allocates or keeps state between calls.
 *
 * Why: the full-resolution loops touch every byte of a 12 MP image (36 MB) two or three
 * times per render, and the planner's run over the working image dozens of times; in
 * JavaScript they cost several times as much (no SIMD, bounds checks, doubles).
 */

/**
 * Where the callers' operands may start: above the module's static data (the math
 * library's tables, e.g. Math.exp's), which lies at the bottom of the memory.
 */
export const heapBase: usize = __heap_base;

// ---- Area sums (resample.ts, resample-columns.ts) -------------------------------------

/**
 * Adds `count` consecutive rows of `rowLen` bytes from `src` to the per-sample column
 * sums `plain` (i32) and, unless `sq` is 0, the sums of squares (i32). Rows are summed
 * in u16 lanes in chunks of at most 257 (255 × 257 = 65535), squares in u32 lanes.
 */
export function addRows(src: usize, rowLen: i32, count: i32, plain: usize, sq: usize): void {
  const n16 = rowLen & ~15;
  let k = 0;
  for (; k < n16; k += 16) {
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
    let q0 = i32x4.splat(0), q1 = i32x4.splat(0), q2 = i32x4.splat(0), q3 = i32x4.splat(0);
    let p = src + <usize>k;
    for (let done = 0; done < count; ) {
      const chunk = min(count - done, 257);
      let lo = i16x8.splat(0), hi = i16x8.splat(0);
      for (let r = 0; r < chunk; r++, p += <usize>rowLen) {
        const v = v128.load(p);
        const vl = i16x8.extend_low_i8x16_u(v), vh = i16x8.extend_high_i8x16_u(v);
        lo = i16x8.add(lo, vl);
        hi = i16x8.add(hi, vh);
        if (sq) {
          // 255² = 65025 still fits an unsigned 16-bit lane.
          const sl = i16x8.mul(vl, vl), sh = i16x8.mul(vh, vh);
          q0 = i32x4.add(q0, i32x4.extend_low_i16x8_u(sl));
          q1 = i32x4.add(q1, i32x4.extend_high_i16x8_u(sl));
          q2 = i32x4.add(q2, i32x4.extend_low_i16x8_u(sh));
          q3 = i32x4.add(q3, i32x4.extend_high_i16x8_u(sh));
        }
      }
      a0 = i32x4.add(a0, i32x4.extend_low_i16x8_u(lo));
      a1 = i32x4.add(a1, i32x4.extend_high_i16x8_u(lo));
      a2 = i32x4.add(a2, i32x4.extend_low_i16x8_u(hi));
      a3 = i32x4.add(a3, i32x4.extend_high_i16x8_u(hi));
      done += chunk;
    }
    const o = plain + (<usize>k << 2);
    v128.store(o, i32x4.add(v128.load(o), a0));
    v128.store(o + 16, i32x4.add(v128.load(o + 16), a1));
    v128.store(o + 32, i32x4.add(v128.load(o + 32), a2));
    v128.store(o + 48, i32x4.add(v128.load(o + 48), a3));
    if (sq) {
      const s = sq + (<usize>k << 2);
      v128.store(s, i32x4.add(v128.load(s), q0));
      v128.store(s + 16, i32x4.add(v128.load(s + 16), q1));
      v128.store(s + 32, i32x4.add(v128.load(s + 32), q2));
      v128.store(s + 48, i32x4.add(v128.load(s + 48), q3));
    }
  }
  for (; k < rowLen; k++) {
    let a = 0, q = 0;
    for (let r = 0; r < count; r++) {
      const v = <i32>load<u8>(src + <usize>(r * rowLen + k));
      a += v;
      q += v * v;
    }
    store<i32>(plain + (<usize>k << 2), load<i32>(plain + (<usize>k << 2)) + a);
    if (sq) store<i32>(sq + (<usize>k << 2), load<i32>(sq + (<usize>k << 2)) + q);
  }
}

/**
 * Adds one row of `rowLen` bytes with integer weight `w` to the i32 column sums
 * `weighted` (and squares unless `sq` is 0). A column gets at most two weighted rows
 * per output row, so 2·w·255² must stay below 2³¹ (w < 16 512: the caller checks).
 */
export function addWeightedRow(src: usize, rowLen: i32, w: i32, weighted: usize, sq: usize): void {
  const n16 = rowLen & ~15;
  const ws = i32x4.splat(w);
  let k = 0;
  for (; k < n16; k += 16) {
    const v = v128.load(src + <usize>k);
    const vl = i16x8.extend_low_i8x16_u(v), vh = i16x8.extend_high_i8x16_u(v);
    const o = weighted + (<usize>k << 2);
    v128.store(o, i32x4.add(v128.load(o), i32x4.mul(i32x4.extend_low_i16x8_u(vl), ws)));
    v128.store(o, i32x4.add(v128.load(o, 16), i32x4.mul(i32x4.extend_high_i16x8_u(vl), ws)), 16);
    v128.store(o, i32x4.add(v128.load(o, 32), i32x4.mul(i32x4.extend_low_i16x8_u(vh), ws)), 32);
    v128.store(o, i32x4.add(v128.load(o, 48), i32x4.mul(i32x4.extend_high_i16x8_u(vh), ws)), 48);
    if (sq) {
      const sl = i16x8.mul(vl, vl), sh = i16x8.mul(vh, vh);
      const q = sq + (<usize>k << 2);
      v128.store(q, i32x4.add(v128.load(q), i32x4.mul(i32x4.extend_low_i16x8_u(sl), ws)));
      v128.store(q, i32x4.add(v128.load(q, 16), i32x4.mul(i32x4.extend_high_i16x8_u(sl), ws)), 16);
      v128.store(q, i32x4.add(v128.load(q, 32), i32x4.mul(i32x4.extend_low_i16x8_u(sh), ws)), 32);
      v128.store(q, i32x4.add(v128.load(q, 48), i32x4.mul(i32x4.extend_high_i16x8_u(sh), ws)), 48);
    }
  }
  for (; k < rowLen; k++) {
    const v = <i32>load<u8>(src + <usize>k);
    const o = weighted + (<usize>k << 2);
    store<i32>(o, load<i32>(o) + w * v);
    if (sq) {
      const q = sq + (<usize>k << 2);
      store<i32>(q, load<i32>(q) + w * v * v);
    }
  }
}

/**
 * One output row of the area average (resample-columns.ts): the column totals
 * unit × plain + weighted (both i32) per source sample, filtered horizontally into `out`
 * (width × 3 f64, overwritten). `spans` holds per output column (i32 × 4) its first
 * whole source column, how many whole columns follow, the source column it shares with
 * the next output column (−1: none) and that column's weight here (the next one gets
 * full − weight). The whole columns' plain and weighted totals are summed in i64 × 2
 * lanes (red, green | blue and a lane ignored), one load and two adds each per column,
 * and unit × plain + weighted and the weights are applied once per output column:
 * exact integers (the same as the generic path's). Resets plain and weighted.
 */
export function flushSpans(plain: usize, weighted: usize, unit: i32, spans: usize, outCols: i32, full: i32, srcWidth: i32, out: usize): void {
  const U = i64x2.splat(<i64>unit), F = i64x2.splat(<i64>full);
  // The shared column's part for the next output column.
  let carryLo = i64x2.splat(0), carryHi = i64x2.splat(0);
  for (let j = 0; j < outCols; j++) {
    const sp = spans + (<usize>j << 4);
    const n = load<i32>(sp, 4);
    let a = plain + <usize>(12 * load<i32>(sp)), b = weighted + <usize>(12 * load<i32>(sp));
    let pLo = i64x2.splat(0), pHi = i64x2.splat(0), wLo = i64x2.splat(0), wHi = i64x2.splat(0);
    for (let k = 0; k < n; k++, a += 12, b += 12) {
      const p = v128.load(a), w = v128.load(b);
      pLo = i64x2.add(pLo, i64x2.extend_low_i32x4_s(p));
      pHi = i64x2.add(pHi, i64x2.extend_high_i32x4_s(p));
      wLo = i64x2.add(wLo, i64x2.extend_low_i32x4_s(w));
      wHi = i64x2.add(wHi, i64x2.extend_high_i32x4_s(w));
    }
    let lo = i64x2.add(i64x2.mul(i64x2.add(i64x2.mul(pLo, U), wLo), F), carryLo);
    let hi = i64x2.add(i64x2.mul(i64x2.add(i64x2.mul(pHi, U), wHi), F), carryHi);
    const s = load<i32>(sp, 8);
    if (s >= 0) {
      const ps = v128.load(plain + <usize>(12 * s)), ws = v128.load(weighted + <usize>(12 * s));
      const tLo = i64x2.add(i64x2.mul(i64x2.extend_low_i32x4_s(ps), U), i64x2.extend_low_i32x4_s(ws));
      const tHi = i64x2.add(i64x2.mul(i64x2.extend_high_i32x4_s(ps), U), i64x2.extend_high_i32x4_s(ws));
      const wA = <i64>load<i32>(sp, 12);
      const WA = i64x2.splat(wA), WB = i64x2.splat(<i64>full - wA);
      lo = i64x2.add(lo, i64x2.mul(tLo, WA));
      hi = i64x2.add(hi, i64x2.mul(tHi, WA));
      carryLo = i64x2.mul(tLo, WB);
      carryHi = i64x2.mul(tHi, WB);
    } else {
      carryLo = carryHi = i64x2.splat(0);
    }
    const o = out + <usize>(24 * j);
    store<f64>(o, <f64>i64x2.extract_lane(lo, 0));
    store<f64>(o, <f64>i64x2.extract_lane(lo, 1), 8);
    store<f64>(o, <f64>i64x2.extract_lane(hi, 0), 16);
  }
  memory.fill(plain, 0, <usize>(3 * srcWidth) << 2);
  memory.fill(weighted, 0, <usize>(3 * srcWidth) << 2);
}

/**
 * Area sums finished (area-finish.ts finishAreaRange calls it; the formula is only here): `n`
 * sums (f64) × norm into means (f32) at `image`, and with `squares` (non-zero) the
 * standard deviations √max(0, E[x²] − mean²) (the mean as stored, f32) at `spread`.
 */
export function finishRow(sums: usize, squares: usize, n: i32, norm: f64, norm2: f64, image: usize, spread: usize): void {
  for (let i = 0; i < n; i++) store<f32>(image + (<usize>i << 2), <f32>(load<f64>(sums + (<usize>i << 3)) * norm));
  if (!squares) return;
  for (let i = 0; i < n; i++) {
    const mean = <f64>load<f32>(image + (<usize>i << 2));
    store<f32>(spread + (<usize>i << 2), <f32>Math.sqrt(max(0.0, load<f64>(squares + (<usize>i << 3)) * norm2 - mean * mean)));
  }
}

// ---- The plan's application (apply.ts) ------------------------------------------------

// Lattice tables at `lat`: per input code 0..255 the byte offsets of its lattice cell
// along red, green and blue (i32 × 256 each), then its fraction (f32 × 256). A LUT is
// size³ nodes of f32 × 4 (r, g, b, unused), pre-scaled to output codes with +0.5.
const LAT_G: usize = 1024;
const LAT_B: usize = 2048;
const LAT_F: usize = 3072;

// The tetrahedron of the last `locate` call (Kasson et al. 1995): the first node's byte
// offset and the two inner corners' offsets from it, and the four weights.
let tBase: usize = 0;
let tO1: usize = 0;
let tO2: usize = 0;
let tW0: f32 = 0;
let tW1: f32 = 0;
let tW2: f32 = 0;
let tW3: f32 = 0;

/** Finds colour (r, g, b)'s lattice cell and tetrahedron (sR, sG: byte strides of red and green). */
@inline function locate(lat: usize, r: i32, g: i32, b: i32, sR: usize, sG: usize): void {
  const fr = load<f32>(lat + LAT_F + (<usize>r << 2));
  const fg = load<f32>(lat + LAT_F + (<usize>g << 2));
  const fb = load<f32>(lat + LAT_F + (<usize>b << 2));
  tBase = <usize>(load<i32>(lat + (<usize>r << 2)) + load<i32>(lat + LAT_G + (<usize>g << 2)) + load<i32>(lat + LAT_B + (<usize>b << 2)));
  if (fr >= fg) {
    if (fg >= fb) { tO1 = sR; tO2 = sR + sG; tW0 = 1 - fr; tW1 = fr - fg; tW2 = fg - fb; tW3 = fb; }
    else if (fr >= fb) { tO1 = sR; tO2 = sR + 16; tW0 = 1 - fr; tW1 = fr - fb; tW2 = fb - fg; tW3 = fg; }
    else { tO1 = 16; tO2 = sR + 16; tW0 = 1 - fb; tW1 = fb - fr; tW2 = fr - fg; tW3 = fg; }
  } else if (fb >= fg) { tO1 = 16; tO2 = sG + 16; tW0 = 1 - fb; tW1 = fb - fg; tW2 = fg - fr; tW3 = fr; }
  else if (fb >= fr) { tO1 = sG; tO2 = sG + 16; tW0 = 1 - fg; tW1 = fg - fb; tW2 = fb - fr; tW3 = fr; }
  else { tO1 = sG; tO2 = sR + sG; tW0 = 1 - fg; tW1 = fg - fr; tW2 = fr - fb; tW3 = fb; }
}

/** The located tetrahedron's interpolation in `lut` (r, g, b, –) as f32 lanes. */
@inline function interpolate(lut: usize, sR: usize, sG: usize): v128 {
  const p = lut + tBase;
  let v = f32x4.mul(v128.load(p), f32x4.splat(tW0));
  v = f32x4.add(v, f32x4.mul(v128.load(p + tO1), f32x4.splat(tW1)));
  v = f32x4.add(v, f32x4.mul(v128.load(p + tO2), f32x4.splat(tW2)));
  return f32x4.add(v, f32x4.mul(v128.load(p + sR + sG + 16), f32x4.splat(tW3)));
}

/**
 * A region's LUT as the pass reads it: `nodes` RGB nodes (f32, 0..1, at `rgb`) to f32 × 4
 * on output codes with the +0.5 of rounding folded in (`scale`: 255), in place from the
 * last node back (`rgb` may be `out`: node k's four lanes never overlap a node not yet read).
 */
export function passLut(rgb: usize, nodes: i32, scale: f64, out: usize): void {
  for (let k = nodes - 1; k >= 0; k--) {
    const i = rgb + <usize>(12 * k), o = out + (<usize>k << 4);
    const r = <f32>(<f64>load<f32>(i) * scale + 0.5), g = <f32>(<f64>load<f32>(i, 4) * scale + 0.5), b = <f32>(<f64>load<f32>(i, 8) * scale + 0.5);
    store<f32>(o, r);
    store<f32>(o, g, 4);
    store<f32>(o, b, 8);
    store<f32>(o, 0, 12);
  }
}

/**
 * Pixels [pa, pb) (byte offsets) of an RGB row in place through one region's LUT.
 * `cache` is the region's direct-mapped colour cache: 65536 slots of an i32 key
 * (0xRRGGBB, −1 empty) and the packed output next to it (one cache line per lookup),
 * slot = the top 16 bits of key × 2³²/φ (Fibonacci hashing). A hit skips the
 * interpolation and returns what it returned for that colour.
 */
export function lutRun(lut: usize, lat: usize, cache: usize, sR: usize, sG: usize, pa: usize, pb: usize): void {
  for (let p = pa; p < pb; p += 3) {
    const r = <i32>load<u8>(p), g = <i32>load<u8>(p, 1), b = <i32>load<u8>(p, 2);
    const key = (r << 16) | (g << 8) | b;
    const slot = <usize>((<u32>key * 0x9e3779b1) >>> 16) << 3;
    if (load<i32>(cache + slot) == key) {
      const v = load<i32>(cache + slot, 4);
      store<u8>(p, <u8>(v >>> 16));
      store<u8>(p, <u8>(v >>> 8), 1);
      store<u8>(p, <u8>v, 2);
      continue;
    }
    locate(lat, r, g, b, sR, sG);
    // Truncation of values in [0.5, 255.5]: the +0.5 folded into the LUT makes it rounding.
    const o = i32x4.trunc_sat_f32x4_s(interpolate(lut, sR, sG));
    const or = i32x4.extract_lane(o, 0), og = i32x4.extract_lane(o, 1), ob = i32x4.extract_lane(o, 2);
    store<i32>(cache + slot, key);
    store<i32>(cache + slot, (or << 16) | (og << 8) | ob, 4);
    store<u8>(p, <u8>or);
    store<u8>(p, <u8>og, 1);
    store<u8>(p, <u8>ob, 2);
  }
}

/**
 * Boundary pixels [pa, pb) of an RGB row in place: out = x + Σ_k w_k·(f_k(x) − x) over
 * `n` regions. `regs` holds per region its LUT's address (i32) and, at coef + 32·i,
 * its feathering coefficients on this row at the cell's left grid column and their
 * change to the right one (a_r, a_g, a_b, b, each f32 × 4); w_k = clamp(a·x/255 + b, 0, 1)
 * interpolated across the cell by tx = gx[x] − gx0 (`gx` f32 per column from the run's
 * first column; 0: a one-column grid, tx = 0).
 */
export function blendRun(regs: usize, coef: usize, n: i32, lat: usize, sR: usize, sG: usize, pa: usize, pb: usize, gx: usize, gx0: f32): void {
  const inv = f32x4.splat(<f32>(1.0 / 255.0));
  const half = f32x4.splat(0.5);
  for (let p = pa; p < pb; p += 3, gx += 4) {
    const r = <i32>load<u8>(p), g = <i32>load<u8>(p, 1), b = <i32>load<u8>(p, 2);
    const x = f32x4.convert_i32x4_s(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(r), 1, g), 2, b));
    // (r, g, b, 1) / 255 with the fourth lane 1: the coefficients' dot product in one multiply.
    const nx = f32x4.replace_lane(f32x4.mul(x, inv), 3, 1);
    const txv = f32x4.splat(gx ? load<f32>(gx) - gx0 : 0);
    locate(lat, r, g, b, sR, sG);
    // The tetrahedron is the same in every region's LUT: its weights splatted once per pixel.
    const w0 = f32x4.splat(tW0), w1 = f32x4.splat(tW1), w2 = f32x4.splat(tW2), w3 = f32x4.splat(tW3);
    const base = tBase, o1 = tO1, o2 = tO2, o3 = sR + sG + 16;
    let acc = x;
    for (let i = 0; i < n; i++) {
      const c = coef + (<usize>i << 5);
      // The coefficients interpolated across the cell, then one dot product with (x, 1).
      const d = f32x4.mul(f32x4.add(v128.load(c), f32x4.mul(v128.load(c, 16), txv)), nx);
      const w: f32 = f32x4.extract_lane(d, 0) + f32x4.extract_lane(d, 1) + f32x4.extract_lane(d, 2) + f32x4.extract_lane(d, 3);
      if (w <= 0) continue;
      const wc = f32x4.splat(w >= <f32>1 ? <f32>1 : w);
      const q = <usize>load<i32>(regs + (<usize>i << 2)) + base;
      // The tetrahedral interpolation (see interpolate), then f_k(x) − 0.5 − x: the LUT carries the +0.5 of rounding.
      let f = f32x4.mul(v128.load(q), w0);
      f = f32x4.add(f, f32x4.mul(v128.load(q + o1), w1));
      f = f32x4.add(f, f32x4.mul(v128.load(q + o2), w2));
      f = f32x4.add(f, f32x4.mul(v128.load(q + o3), w3));
      acc = f32x4.add(acc, f32x4.mul(wc, f32x4.sub(f32x4.sub(f, half), x)));
    }
    // Round half up, clamped to 0..255.
    const o = i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(f32x4.add(acc, half)), i32x4.splat(0)), i32x4.splat(255));
    store<u8>(p, <u8>i32x4.extract_lane(o, 0));
    store<u8>(p, <u8>i32x4.extract_lane(o, 1), 1);
    store<u8>(p, <u8>i32x4.extract_lane(o, 2), 2);
  }
}

// Per region, the row's record for applyRow (32 bytes): its LUT's and colour cache's
// addresses (i32), the addresses of its feathering coefficients' two grid rows around
// this row (i32; 0: the row is outside the region's window), the fraction between them
// (f32), and the window's first grid column and width (i32).
const REC_LUT: usize = 0;
const REC_CACHE: usize = 4;
const REC_AB0: usize = 8;
const REC_AB1: usize = 12;
const REC_TY: usize = 16;
const REC_X0: usize = 20;
const REC_FW: usize = 24;

/**
 * One row (at `row`) of the plan's cell walk (apply.ts): per grid cell its mode
 * (`modes`, u8: 0 untouched, k + 1 region k alone, 255 boundary) and reaching regions
 * (`reach`, u32 bits), `starts` (i32, cells + 1) the first column of each cell. Runs of
 * one mode go through lutRun; boundary cells gather their regions' coefficients from
 * `recs` (nR records, see above) into `regs`/`coef` and go through blendRun.
 */
export function applyRow(row: usize, modes: usize, reach: usize, starts: usize, cells: i32, recs: usize, nR: i32, lat: usize, sR: usize, sG: usize, gx: usize, regs: usize, coef: usize): void {
  const oneMinus = f32x4.splat(1);
  for (let c = 0; c < cells; c++) {
    const mode = <i32>load<u8>(modes + <usize>c);
    const xa = load<i32>(starts + (<usize>c << 2));
    if (mode != 255) while (c + 1 < cells && <i32>load<u8>(modes + <usize>(c + 1)) == mode) c++;
    const xb = load<i32>(starts + (<usize>(c + 1) << 2));
    if (xa >= xb || mode == 0) continue;
    const pa = row + <usize>(xa * 3), pb = row + <usize>(xb * 3);
    if (mode != 255) {
      const rec = recs + (<usize>(mode - 1) << 5);
      lutRun(<usize>load<i32>(rec + REC_LUT), lat, <usize>load<i32>(rec + REC_CACHE), sR, sG, pa, pb);
      continue;
    }
    const bits = load<u32>(reach + (<usize>c << 2));
    let n = 0;
    for (let r = 0; r < nR; r++) {
      if (r < 32 && ((bits >>> r) & 1) == 0) continue;
      const rec = recs + (<usize>r << 5);
      const cf = coef + (<usize>n << 5);
      // The coefficients at the cell's left and right grid columns (zero outside the window).
      let left = i32x4.splat(0), right = i32x4.splat(0);
      const ab0 = <usize>load<i32>(rec + REC_AB0);
      if (ab0) {
        const ab1 = <usize>load<i32>(rec + REC_AB1);
        const ty = f32x4.splat(load<f32>(rec + REC_TY));
        const x0 = load<i32>(rec + REC_X0), fw = load<i32>(rec + REC_FW);
        const lx = c - x0;
        if (lx >= 0 && lx <= fw - 1) left = f32x4.add(f32x4.mul(f32x4.sub(oneMinus, ty), v128.load(ab0 + (<usize>lx << 4))), f32x4.mul(ty, v128.load(ab1 + (<usize>lx << 4))));
        if (lx + 1 >= 0 && lx + 1 <= fw - 1) right = f32x4.add(f32x4.mul(f32x4.sub(oneMinus, ty), v128.load(ab0 + (<usize>(lx + 1) << 4))), f32x4.mul(ty, v128.load(ab1 + (<usize>(lx + 1) << 4))));
      }
      // blendRun interpolates left + (right − left)·tx: the difference once per cell.
      v128.store(cf, left);
      v128.store(cf, f32x4.sub(right, left), 16);
      store<i32>(regs + (<usize>n << 2), load<i32>(rec + REC_LUT));
      n++;
    }
    blendRun(regs, coef, n, lat, sR, sG, pa, pb, gx ? gx + (<usize>xa << 2) : 0, <f32>c);
  }
}

// ---- Box means of the guided filter (render/guided-filter.ts) -------------------------

/** f32 × 4 at `p` as two f64 × 2 (low and high lanes). */
@inline function promoteLow(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
@inline function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}
/** Two f64 × 2 back to one f32 × 4. */
@inline function demote(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** boxMean4's horizontal pass over one row (f32 × 4 per pixel at `row`, sums to `trow`). */
function boxRow(row: usize, trow: usize, width: i32, radius: i32): void {
  const reach = min(radius, width - 1);
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  for (let x = 0; x <= reach; x++) {
    const v = v128.load(row + (<usize>x << 4));
    lo = f64x2.add(lo, promoteLow(v));
    hi = f64x2.add(hi, promoteHigh(v));
  }
  for (let x = 0; x < width; x++) {
    v128.store(trow + (<usize>x << 4), demote(lo, hi));
    const add = x + radius + 1, sub = x - radius;
    if (add < width) {
      const v = v128.load(row + (<usize>add << 4));
      lo = f64x2.add(lo, promoteLow(v));
      hi = f64x2.add(hi, promoteHigh(v));
    }
    if (sub >= 0) {
      const v = v128.load(row + (<usize>sub << 4));
      lo = f64x2.sub(lo, promoteLow(v));
      hi = f64x2.sub(hi, promoteHigh(v));
    }
  }
}

/**
 * Box means of four interleaved channels (f32 × 4 per pixel) over the (2r+1)² window
 * clipped to the width × height image, by running sums in double precision: a
 * horizontal pass into `tmp` (f32 × 4 per pixel), then a vertical one into `out`,
 * dividing by the clipped window's area. `col` holds f64 × 4 per column.
 */
export function boxMean4(src: usize, width: i32, height: i32, radius: i32, out: usize, tmp: usize, col: usize): void {
  for (let y = 0; y < height; y++) boxRow(src + (<usize>(y * width) << 4), tmp + (<usize>(y * width) << 4), width, radius);
  memory.fill(col, 0, <usize>width << 5);
  for (let y = 0, top = min(radius, height - 1); y <= top; y++) {
    const trow = tmp + (<usize>(y * width) << 4);
    for (let x = 0; x < width; x++) {
      const c = col + (<usize>x << 5), v = v128.load(trow + (<usize>x << 4));
      v128.store(c, f64x2.add(v128.load(c), promoteLow(v)));
      v128.store(c, f64x2.add(v128.load(c, 16), promoteHigh(v)), 16);
    }
  }
  for (let y = 0; y < height; y++) {
    const ny = min(height - 1, y + radius) - max(0, y - radius) + 1;
    const orow = out + (<usize>(y * width) << 4);
    const add = y + radius + 1, sub = y - radius;
    const arow = tmp + (<usize>(add * width) << 4), srow = tmp + (<usize>(sub * width) << 4);
    for (let x = 0; x < width; x++) {
      const nx = min(width - 1, x + radius) - max(0, x - radius) + 1;
      const area = f64x2.splat(<f64>(nx * ny));
      const c = col + (<usize>x << 5);
      let lo = v128.load(c), hi = v128.load(c, 16);
      v128.store(orow + (<usize>x << 4), demote(f64x2.div(lo, area), f64x2.div(hi, area)));
      if (add < height) {
        const v = v128.load(arow + (<usize>x << 4));
        lo = f64x2.add(lo, promoteLow(v));
        hi = f64x2.add(hi, promoteHigh(v));
      }
      if (sub >= 0) {
        const v = v128.load(srow + (<usize>x << 4));
        lo = f64x2.sub(lo, promoteLow(v));
        hi = f64x2.sub(hi, promoteHigh(v));
      }
      v128.store(c, lo);
      v128.store(c, hi, 16);
    }
  }
}

// ---- The solver's proxy evaluation (render/proxy.ts) ----------------------------------

/** A point's tetrahedral interpolation in an f32 × 4 LUT: vertex addresses v0..v2 (bytes), the fourth at v0 + far; weights w1..w3 at `w`. */
@inline function proxyPoint(lut: usize, v0: usize, v1: usize, v2: usize, w: usize, far: usize, p: usize): v128 {
  const a = lut + <usize>load<i32>(v0 + (p << 2));
  const w1 = load<f32>(w + p * 12), w2 = load<f32>(w + p * 12, 4), w3 = load<f32>(w + p * 12, 8);
  let v = f32x4.mul(v128.load(a), f32x4.splat(<f32>1 - w1 - w2 - w3));
  v = f32x4.add(v, f32x4.mul(v128.load(lut + <usize>load<i32>(v1 + (p << 2))), f32x4.splat(w1)));
  v = f32x4.add(v, f32x4.mul(v128.load(lut + <usize>load<i32>(v2 + (p << 2))), f32x4.splat(w2)));
  return f32x4.add(v, f32x4.mul(v128.load(a + far), f32x4.splat(w3)));
}

/**
 * The region statistics of a proxy rendered through `lut` (proxy.ts proxyStats): per
 * pixel its point (k < singles) or the mean of its two sigma points, written to `out`
 * (f32 × 4 per pixel), summed as RegionStats needs; then the squared differences of
 * the `npairs` neighbour pairs (i32 pixel indices). Writes 8 f64 at `stats`: ΣR, ΣG, ΣB,
 * Σ|R−G|, Σ(R−G)², Σ|(R+G)/2−B|, Σ((R+G)/2−B)², Σ pair differences².
 */
export function proxyEval(lut: usize, v0: usize, v1: usize, v2: usize, w: usize, far: usize, pixels: i32, singles: i32, pairs: usize, npairs: i32, out: usize, stats: usize): void {
  // Sums in double-precision lanes: (ΣR, ΣG), (ΣB, Σ|R−G|), (Σ(R−G)², Σ|(R+G)/2−B|), Σ(…)².
  let sRG = f64x2.splat(0), sBrg = f64x2.splat(0), sRg2Yb = f64x2.splat(0), sumYb2 = 0.0;
  const half = f32x4.splat(0.5);
  let p: usize = 0;
  for (let k = 0; k < pixels; k++) {
    let v: v128;
    if (k < singles) {
      v = proxyPoint(lut, v0, v1, v2, w, far, p);
      p++;
    } else {
      v = f32x4.mul(f32x4.add(proxyPoint(lut, v0, v1, v2, w, far, p), proxyPoint(lut, v0, v1, v2, w, far, p + 1)), half);
      p += 2;
    }
    v128.store(out + (<usize>k << 4), v);
    const rgb = f64x2.promote_low_f32x4(v);
    const R = f64x2.extract_lane(rgb, 0), G = f64x2.extract_lane(rgb, 1), B = <f64>f32x4.extract_lane(v, 2);
    const rg = abs(R - G), yb = abs(0.5 * (R + G) - B);
    sRG = f64x2.add(sRG, rgb);
    sBrg = f64x2.add(sBrg, f64x2.replace_lane(f64x2.splat(B), 1, rg));
    sRg2Yb = f64x2.add(sRg2Yb, f64x2.replace_lane(f64x2.splat(rg * rg), 1, yb));
    sumYb2 += yb * yb;
  }
  // Squared differences of the neighbour pairs, (r, g) and (b, –) in double-precision lanes.
  let dLo = f64x2.splat(0), dHi = f64x2.splat(0);
  for (let i = 0; i < npairs; i++) {
    const a = <usize>load<i32>(pairs + (<usize>i << 3)), b = <usize>load<i32>(pairs + (<usize>i << 3), 4);
    const d = f32x4.sub(v128.load(out + (a << 4)), v128.load(out + (b << 4)));
    const q = f32x4.mul(d, d);
    dLo = f64x2.add(dLo, f64x2.promote_low_f32x4(q));
    dHi = f64x2.add(dHi, f64x2.promote_low_f32x4(v128.shuffle<f32>(q, q, 2, 3, 2, 3)));
  }
  store<f64>(stats, f64x2.extract_lane(sRG, 0));
  store<f64>(stats, f64x2.extract_lane(sRG, 1), 8);
  store<f64>(stats, f64x2.extract_lane(sBrg, 0), 16);
  store<f64>(stats, f64x2.extract_lane(sBrg, 1), 24);
  store<f64>(stats, f64x2.extract_lane(sRg2Yb, 0), 32);
  store<f64>(stats, f64x2.extract_lane(sRg2Yb, 1), 40);
  store<f64>(stats, sumYb2, 48);
  store<f64>(stats, f64x2.extract_lane(dLo, 0) + f64x2.extract_lane(dLo, 1) + f64x2.extract_lane(dHi, 0), 56);
}

/**
 * A proxy point at colour (r, g, b) (0..255, clamped) in a size³ lattice (proxy.ts
 * `point`, in the same double-precision steps): its cell's first vertex and the second
 * and third of its tetrahedron as byte offsets (16 × node) at v0..v2 (i32), the weights
 * of vertices 2–4 at w (f32 × 3), and the four vertices marked in `touched` (u8 per node).
 */
@inline function placePoint(np: usize, r: f64, g: f64, b: f64, size: i32, v0: usize, v1: usize, v2: usize, w: usize, touched: usize): void {
  const top = <f64>(size - 1);
  const fr = ((r < 0 ? 0.0 : r > 255 ? 255.0 : r) * top) / 255;
  const fg = ((g < 0 ? 0.0 : g > 255 ? 255.0 : g) * top) / 255;
  const fb = ((b < 0 ? 0.0 : b > 255 ? 255.0 : b) * top) / 255;
  const ir = min(<i32>fr, size - 2), ig = min(<i32>fg, size - 2), ib = min(<i32>fb, size - 2);
  const dr = fr - <f64>ir, dg = fg - <f64>ig, db = fb - <f64>ib;
  const nR = size * size, nG = size;
  let o1: i32, o2: i32, w1: f64, w2: f64, w3: f64;
  if (dr >= dg) {
    if (dg >= db) { o1 = nR; o2 = nR + nG; w1 = dr - dg; w2 = dg - db; w3 = db; }
    else if (dr >= db) { o1 = nR; o2 = nR + 1; w1 = dr - db; w2 = db - dg; w3 = dg; }
    else { o1 = 1; o2 = nR + 1; w1 = db - dr; w2 = dr - dg; w3 = dg; }
  } else if (db >= dg) { o1 = 1; o2 = nG + 1; w1 = db - dg; w2 = dg - dr; w3 = dr; }
  else if (db >= dr) { o1 = nG; o2 = nG + 1; w1 = dg - db; w2 = db - dr; w3 = dr; }
  else { o1 = nG; o2 = nR + nG; w1 = dg - dr; w2 = dr - db; w3 = db; }
  const node = ir * nR + ig * nG + ib;
  const q = np << 2;
  store<i32>(v0 + q, 16 * node);
  store<i32>(v1 + q, 16 * (node + o1));
  store<i32>(v2 + q, 16 * (node + o2));
  const o = w + np * 12;
  store<f32>(o, <f32>w1);
  store<f32>(o, <f32>w2, 4);
  store<f32>(o, <f32>w3, 8);
  store<u8>(touched + <usize>node, 1);
  store<u8>(touched + <usize>(node + o1), 1);
  store<u8>(touched + <usize>(node + o2), 1);
  store<u8>(touched + <usize>(node + nR + nG + 1), 1);
}

/** v < 0 ? 0 : v > 255 ? 255 : v in both f64 lanes (placePoint's clamp). */
@inline function clampCodes(v: v128): v128 {
  const zero = f64x2.splat(0), top = f64x2.splat(255);
  return v128.bitselect(zero, v128.bitselect(top, v, f64x2.gt(v, top)), f64x2.lt(v, zero));
}

/** Stores one point placed by placePair (its cell's first node, the tetrahedron's offsets in nodes, its weights). */
@inline function storePoint(np: usize, node: i32, o1: i32, o2: i32, w1: f64, w2: f64, w3: f64, far: i32, v0: usize, v1: usize, v2: usize, w: usize, touched: usize): void {
  const q = np << 2;
  store<i32>(v0 + q, 16 * node);
  store<i32>(v1 + q, 16 * (node + o1));
  store<i32>(v2 + q, 16 * (node + o2));
  const o = w + np * 12;
  store<f32>(o, <f32>w1);
  store<f32>(o, <f32>w2, 4);
  store<f32>(o, <f32>w3, 8);
  store<u8>(touched + <usize>node, 1);
  store<u8>(touched + <usize>(node + o1), 1);
  store<u8>(touched + <usize>(node + o2), 1);
  store<u8>(touched + <usize>(node + far), 1);
}

/**
 * Points np and np + 1 at colours (r, g, b) (f64 × 2 each) as placePoint places them,
 * both at once and branch-free: its six cases are lane masks here (ties resolved as it
 * resolves them), each walking the axes from the largest fraction down.
 */
function placePair(np: usize, r: v128, g: v128, b: v128, size: i32, v0: usize, v1: usize, v2: usize, w: usize, touched: usize): void {
  const top = f64x2.splat(<f64>(size - 1)), k255 = f64x2.splat(255);
  const fr = f64x2.div(f64x2.mul(clampCodes(r), top), k255);
  const fg = f64x2.div(f64x2.mul(clampCodes(g), top), k255);
  const fb = f64x2.div(f64x2.mul(clampCodes(b), top), k255);
  const last = i32x4.splat(size - 2);
  const ir = i32x4.min_s(i32x4.trunc_sat_f64x2_s_zero(fr), last), ig = i32x4.min_s(i32x4.trunc_sat_f64x2_s_zero(fg), last), ib = i32x4.min_s(i32x4.trunc_sat_f64x2_s_zero(fb), last);
  const dr = f64x2.sub(fr, f64x2.convert_low_i32x4_s(ir)), dg = f64x2.sub(fg, f64x2.convert_low_i32x4_s(ig)), db = f64x2.sub(fb, f64x2.convert_low_i32x4_s(ib));
  const geRG = f64x2.ge(dr, dg), geGB = f64x2.ge(dg, db), geRB = f64x2.ge(dr, db), geBG = f64x2.ge(db, dg), geBR = f64x2.ge(db, dr);
  const c1 = v128.and(geRG, geGB);
  const c2 = v128.and(v128.andnot(geRG, geGB), geRB);
  const c3 = v128.andnot(geRG, v128.or(geGB, geRB));
  const c4 = v128.andnot(geBG, geRG);
  const c5 = v128.andnot(v128.andnot(geBR, geRG), geBG);
  const c6 = v128.not(v128.or(geRG, v128.or(geBG, geBR)));
  const maxR = v128.or(c1, c2), maxB = v128.or(c3, c4);
  const midG = v128.or(c1, c4), midB = v128.or(c2, c5);
  const minB = v128.or(c1, c6), minG = v128.or(c2, c3);
  const hi = v128.bitselect(dr, v128.bitselect(db, dg, maxB), maxR);
  const mid = v128.bitselect(dg, v128.bitselect(db, dr, midB), midG);
  const lo = v128.bitselect(db, v128.bitselect(dg, dr, minG), minB);
  const nR = size * size, nG = size;
  const sR = i64x2.splat(nR), sG = i64x2.splat(nG), sB = i64x2.splat(1);
  const o1 = v128.bitselect(sR, v128.bitselect(sB, sG, maxB), maxR);
  const o2 = i64x2.add(o1, v128.bitselect(sG, v128.bitselect(sB, sR, midB), midG));
  const w1 = f64x2.sub(hi, mid), w2 = f64x2.sub(mid, lo);
  const far = nR + nG + 1;
  storePoint(np, i32x4.extract_lane(ir, 0) * nR + i32x4.extract_lane(ig, 0) * nG + i32x4.extract_lane(ib, 0), <i32>i64x2.extract_lane(o1, 0), <i32>i64x2.extract_lane(o2, 0),
    f64x2.extract_lane(w1, 0), f64x2.extract_lane(w2, 0), f64x2.extract_lane(lo, 0), far, v0, v1, v2, w, touched);
  storePoint(np + 1, i32x4.extract_lane(ir, 1) * nR + i32x4.extract_lane(ig, 1) * nG + i32x4.extract_lane(ib, 1), <i32>i64x2.extract_lane(o1, 1), <i32>i64x2.extract_lane(o2, 1),
    f64x2.extract_lane(w1, 1), f64x2.extract_lane(w2, 1), f64x2.extract_lane(lo, 1), far, v0, v1, v2, w, touched);
}

/** ∛Y of a colour rounded to 8-bit codes (proxy.ts: the proxy's mid-tone; `lin`: f32 × 256, each code's linear value). */
@inline function cubeRootLuminance(lin: usize, r: f64, g: f64, b: f64): f64 {
  // floor(v + 0.5) is Math.round for these f32 values (exact in double precision).
  const yr = <f64>load<f32>(lin + (<usize><i32>Math.floor(r + 0.5) << 2));
  const yg = <f64>load<f32>(lin + (<usize><i32>Math.floor(g + 0.5) << 2));
  const yb = <f64>load<f32>(lin + (<usize><i32>Math.floor(b + 0.5) << 2));
  return Math.cbrt(0.2126729 * yr + 0.7151522 * yg + 0.072175 * yb);
}

/**
 * A proxy's points (proxy.ts buildRegionProxy): `singles` smooth pixels, one point each
 * at their mean, then n − singles pixels with two points, mean + spread and mean −
 * spread (colours at `colours`: f32 × 3 per smooth pixel, then f32 × 6 — mean, spread —
 * per other pixel), placed in a size³ lattice (see placePoint; two points at a time,
 * placePair). Returns the sum over the pixels of their means' ∛Y (`lin`: see
 * cubeRootLuminance), in pixel order.
 */
export function proxyPoints(colours: usize, singles: i32, n: i32, size: i32, v0: usize, v1: usize, v2: usize, w: usize, touched: usize, lin: usize): f64 {
  memory.fill(touched, 0, <usize>(size * size * size));
  let lum = 0.0;
  let p = colours;
  let k = 0;
  for (; k + 1 < singles; k += 2, p += 24) {
    const ra = <f64>load<f32>(p), ga = <f64>load<f32>(p, 4), ba = <f64>load<f32>(p, 8);
    const rb = <f64>load<f32>(p, 12), gb = <f64>load<f32>(p, 16), bb = <f64>load<f32>(p, 20);
    lum += cubeRootLuminance(lin, ra, ga, ba);
    lum += cubeRootLuminance(lin, rb, gb, bb);
    placePair(<usize>k, f64x2(ra, rb), f64x2(ga, gb), f64x2(ba, bb), size, v0, v1, v2, w, touched);
  }
  if (k < singles) {
    const r = <f64>load<f32>(p), g = <f64>load<f32>(p, 4), b = <f64>load<f32>(p, 8);
    lum += cubeRootLuminance(lin, r, g, b);
    placePoint(<usize>k, r, g, b, size, v0, v1, v2, w, touched);
    p += 12;
  }
  let np = <usize>singles;
  for (k = singles; k < n; k++, p += 24, np += 2) {
    const r = <f64>load<f32>(p), g = <f64>load<f32>(p, 4), b = <f64>load<f32>(p, 8);
    const sr = <f64>load<f32>(p, 12), sg = <f64>load<f32>(p, 16), sb = <f64>load<f32>(p, 20);
    lum += cubeRootLuminance(lin, r, g, b);
    placePair(np, f64x2(r + sr, r - sr), f64x2(g + sg, g - sg), f64x2(b + sb, b - sb), size, v0, v1, v2, w, touched);
  }
  return lum;
}

// ---- The planner's working-size simulation (render/simulate.ts) -----------------------

/**
 * out[p] += w·(f(src[p]) − src[p]) for `count` points of one region: pixel indices at
 * `at` (i32), weights at `wts` (f32; 0 skips), each pixel's place in the f32 × 4 LUT
 * (vertex addresses v0..v2, the fourth at v0 + far, weights w0..w3 as f32 × 4 at
 * `cw`); src and out f32 × 4 per pixel on 0..255, the LUT pre-scaled to 0..255.
 */
export function simBlend(lut: usize, v0: usize, v1: usize, v2: usize, cw: usize, far: usize, src: usize, out: usize, at: usize, wts: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const w = load<f32>(wts + (<usize>i << 2));
    if (w == 0) continue;
    const p = <usize>load<i32>(at + (<usize>i << 2));
    const q = p << 2;
    const a = lut + <usize>load<i32>(v0 + q);
    const cv = v128.load(cw + (p << 4));
    let v = f32x4.mul(v128.load(a), f32x4.splat(f32x4.extract_lane(cv, 0)));
    v = f32x4.add(v, f32x4.mul(v128.load(lut + <usize>load<i32>(v1 + q)), f32x4.splat(f32x4.extract_lane(cv, 1))));
    v = f32x4.add(v, f32x4.mul(v128.load(lut + <usize>load<i32>(v2 + q)), f32x4.splat(f32x4.extract_lane(cv, 2))));
    v = f32x4.add(v, f32x4.mul(v128.load(a + far), f32x4.splat(f32x4.extract_lane(cv, 3))));
    const o = out + (p << 4);
    v128.store(o, f32x4.add(v128.load(o), f32x4.mul(f32x4.splat(w), f32x4.sub(v, v128.load(src + (p << 4))))));
  }
}

/** The simulated image: per pixel the mean of its two sigma images, each clamped to 0..255; f32 × 4 in, interleaved RGB f32 out. */
export function simMean(hi: usize, lo: usize, mean: usize, n: i32): void {
  const zero = f32x4.splat(0), top = f32x4.splat(255), half = f32x4.splat(0.5);
  for (let i = 0; i < n; i++) {
    const h = f32x4.min(f32x4.max(v128.load(hi + (<usize>i << 4)), zero), top);
    const l = f32x4.min(f32x4.max(v128.load(lo + (<usize>i << 4)), zero), top);
    const m = f32x4.mul(f32x4.add(h, l), half);
    const o = mean + <usize>(i * 12);
    store<f32>(o, f32x4.extract_lane(m, 0));
    store<f32>(o, f32x4.extract_lane(m, 1), 4);
    store<f32>(o, f32x4.extract_lane(m, 2), 8);
  }
}

/**
 * The two sigma images of the simulation: per pixel of the working image (interleaved
 * RGB f32, `work`) and its block spread (`spread`, same layout; 0: none), mean + spread
 * clamped to 255 into `hi` and mean − spread clamped to 0 into `lo` (f32 × 4 per pixel).
 */
export function simSigma(work: usize, spread: usize, n: i32, hi: usize, lo: usize): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>(i * 12);
    const m = f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(load<f32>(work + o)), 1, load<f32>(work + o, 4)), 2, load<f32>(work + o, 8));
    const s = spread ? f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(load<f32>(spread + o)), 1, load<f32>(spread + o, 4)), 2, load<f32>(spread + o, 8)) : f32x4.splat(0);
    const q = <usize>i << 4;
    v128.store(hi + q, f32x4.replace_lane(f32x4.min(f32x4.add(m, s), f32x4.splat(255)), 3, 0));
    v128.store(lo + q, f32x4.replace_lane(f32x4.max(f32x4.sub(m, s), f32x4.splat(0)), 3, 0));
  }
}

/**
 * A region's feathered weights at the working pixels (simulate.ts): w = clamp(a·I/255 + b,
 * 0, 1) (guided filter, He et al. 2013) for both sigma images (`hi`, `lo`: f32 × 4 per
 * pixel of a W-wide image) over the feather's window (`ab`: a_r, a_g, a_b, b as f32 × 4
 * per window pixel, w × h at x0, y0), in double precision as the JavaScript it replaces.
 * Pixels where both weights are zero are dropped: the others' indices (i32) and weights
 * (f32) go to `at`, `wHi`, `wLo`. Returns how many.
 */
export function simWeights(ab: usize, W: i32, x0: i32, y0: i32, w: i32, h: i32, hi: usize, lo: usize, at: usize, wHi: usize, wLo: usize): i32 {
  let m = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = ab + (<usize>(y * w + x) << 4);
      const i = (y + y0) * W + x + x0;
      const ph = hi + (<usize>i << 4), pl = lo + (<usize>i << 4);
      const a0 = <f64>load<f32>(o), a1 = <f64>load<f32>(o, 4), a2 = <f64>load<f32>(o, 8), b = <f64>load<f32>(o, 12);
      const wh = (a0 * <f64>load<f32>(ph) + a1 * <f64>load<f32>(ph, 4) + a2 * <f64>load<f32>(ph, 8)) / 255 + b;
      const wl = (a0 * <f64>load<f32>(pl) + a1 * <f64>load<f32>(pl, 4) + a2 * <f64>load<f32>(pl, 8)) / 255 + b;
      if (wh <= 0 && wl <= 0) continue;
      const q = <usize>m << 2;
      store<i32>(at + q, i);
      store<f32>(wHi + q, <f32>(wh >= 1 ? 1.0 : wh <= 0 ? 0.0 : wh));
      store<f32>(wLo + q, <f32>(wl >= 1 ? 1.0 : wl <= 0 ? 0.0 : wl));
      m++;
    }
  }
  return m;
}

/**
 * Each pixel's place in a size³ f32 × 4 LUT (0..255 values, f32 × 4 per pixel at `src`),
 * as `tetrahedral` (lut.ts) finds it: the cell's first vertex and the tetrahedron's next
 * two (byte offsets, i32 at v0, v1, v2; the fourth is first + sR + sG + 16) and the four
 * vertex weights (f32 × 4 at `w`).
 */
export function simCells(src: usize, n: i32, size: i32, v0: usize, v1: usize, v2: usize, w: usize): void {
  const scale = <f32>(size - 1) / <f32>255;
  const m = size - 2;
  const sR = <usize>(size * size * 16), sG = <usize>(size * 16);
  // Four pixels at a time, branch-free (the six-way choice of a tetrahedron mispredicts
  // on photographs' noisy colours); the rest one by one, with the same arithmetic.
  const quads = n & ~3;
  const scaleV = f32x4.splat(scale), mV = i32x4.splat(m), one = f32x4.splat(1);
  const sRV = i32x4.splat(<i32>sR), sGV = i32x4.splat(<i32>sG), s16 = i32x4.splat(16);
  for (let i = 0; i < quads; i += 4) {
    const p = src + (<usize>i << 4);
    const p0 = v128.load(p), p1 = v128.load(p, 16), p2 = v128.load(p, 32), p3 = v128.load(p, 48);
    const rg01 = v128.shuffle<f32>(p0, p1, 0, 4, 1, 5), rg23 = v128.shuffle<f32>(p2, p3, 0, 4, 1, 5);
    const b01 = v128.shuffle<f32>(p0, p1, 2, 6, 2, 6), b23 = v128.shuffle<f32>(p2, p3, 2, 6, 2, 6);
    const fr = f32x4.mul(v128.shuffle<f32>(rg01, rg23, 0, 1, 4, 5), scaleV);
    const fg = f32x4.mul(v128.shuffle<f32>(rg01, rg23, 2, 3, 6, 7), scaleV);
    const fb = f32x4.mul(v128.shuffle<f32>(b01, b23, 0, 1, 4, 5), scaleV);
    const ir = i32x4.min_s(i32x4.trunc_sat_f32x4_s(fr), mV), ig = i32x4.min_s(i32x4.trunc_sat_f32x4_s(fg), mV), ib = i32x4.min_s(i32x4.trunc_sat_f32x4_s(fb), mV);
    const dr = f32x4.sub(fr, f32x4.convert_i32x4_s(ir)), dg = f32x4.sub(fg, f32x4.convert_i32x4_s(ig)), db = f32x4.sub(fb, f32x4.convert_i32x4_s(ib));
    const base = i32x4.add(i32x4.add(i32x4.mul(ir, sRV), i32x4.mul(ig, sGV)), i32x4.shl(ib, 4));
    // The scalar path's six cases as lane masks (ties resolved as it resolves them).
    const geRG = f32x4.ge(dr, dg), geGB = f32x4.ge(dg, db), geRB = f32x4.ge(dr, db), geBG = f32x4.ge(db, dg), geBR = f32x4.ge(db, dr);
    const c1 = v128.and(geRG, geGB);
    const c2 = v128.and(v128.andnot(geRG, geGB), geRB);
    const c3 = v128.andnot(geRG, v128.or(geGB, geRB));
    const c4 = v128.andnot(geBG, geRG);
    const c5 = v128.andnot(v128.andnot(geBR, geRG), geBG);
    const c6 = v128.not(v128.or(geRG, v128.or(geBG, geBR)));
    // Each case walks the axes from the largest fraction down: w = (1 − max, max − mid, mid − min, min).
    const maxR = v128.or(c1, c2), maxB = v128.or(c3, c4);
    const midG = v128.or(c1, c4), midB = v128.or(c2, c5);
    const minB = v128.or(c1, c6), minG = v128.or(c2, c3);
    const hi = v128.bitselect(dr, v128.bitselect(db, dg, maxB), maxR);
    const mid = v128.bitselect(dg, v128.bitselect(db, dr, midB), midG);
    const lo = v128.bitselect(db, v128.bitselect(dg, dr, minG), minB);
    const o1 = v128.bitselect(sRV, v128.bitselect(s16, sGV, maxB), maxR);
    const o2 = i32x4.add(o1, v128.bitselect(sGV, v128.bitselect(s16, sRV, midB), midG));
    const q = <usize>i << 2;
    v128.store(v0 + q, base);
    v128.store(v1 + q, i32x4.add(base, o1));
    v128.store(v2 + q, i32x4.add(base, o2));
    // The weights back to one f32 × 4 per pixel (a 4 × 4 transpose).
    const w0 = f32x4.sub(one, hi), w1 = f32x4.sub(hi, mid), w2 = f32x4.sub(mid, lo), w3 = lo;
    const a01 = v128.shuffle<f32>(w0, w1, 0, 4, 1, 5), a23 = v128.shuffle<f32>(w2, w3, 0, 4, 1, 5);
    const b01w = v128.shuffle<f32>(w0, w1, 2, 6, 3, 7), b23w = v128.shuffle<f32>(w2, w3, 2, 6, 3, 7);
    const o = w + (<usize>i << 4);
    v128.store(o, v128.shuffle<f32>(a01, a23, 0, 1, 4, 5));
    v128.store(o, v128.shuffle<f32>(a01, a23, 2, 3, 6, 7), 16);
    v128.store(o, v128.shuffle<f32>(b01w, b23w, 0, 1, 4, 5), 32);
    v128.store(o, v128.shuffle<f32>(b01w, b23w, 2, 3, 6, 7), 48);
  }
  for (let i = quads; i < n; i++) {
    const p = src + (<usize>i << 4);
    const fr = load<f32>(p) * scale, fg = load<f32>(p, 4) * scale, fb = load<f32>(p, 8) * scale;
    const ir = min(<i32>fr, m), ig = min(<i32>fg, m), ib = min(<i32>fb, m);
    const dr = fr - <f32>ir, dg = fg - <f32>ig, db = fb - <f32>ib;
    const base = <usize>ir * sR + <usize>ig * sG + (<usize>ib << 4);
    let o1: usize, o2: usize, w0: f32, w1: f32, w2: f32, w3: f32;
    if (dr >= dg) {
      if (dg >= db) { o1 = sR; o2 = sR + sG; w0 = 1 - dr; w1 = dr - dg; w2 = dg - db; w3 = db; }
      else if (dr >= db) { o1 = sR; o2 = sR + 16; w0 = 1 - dr; w1 = dr - db; w2 = db - dg; w3 = dg; }
      else { o1 = 16; o2 = sR + 16; w0 = 1 - db; w1 = db - dr; w2 = dr - dg; w3 = dg; }
    } else if (db >= dg) { o1 = 16; o2 = sG + 16; w0 = 1 - db; w1 = db - dg; w2 = dg - dr; w3 = dr; }
    else if (db >= dr) { o1 = sG; o2 = sG + 16; w0 = 1 - dg; w1 = dg - db; w2 = db - dr; w3 = dr; }
    else { o1 = sG; o2 = sR + sG; w0 = 1 - dg; w1 = dg - dr; w2 = dr - db; w3 = db; }
    const q = <usize>i << 2;
    store<i32>(v0 + q, <i32>base);
    store<i32>(v1 + q, <i32>(base + o1));
    store<i32>(v2 + q, <i32>(base + o2));
    v128.store(w + (<usize>i << 4), f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(w0), 1, w1), 2, w2), 3, w3));
  }
}

/** Marks a point's four tetrahedron vertices (byte addresses a, v1, v2 and a + far of f32 × 4 nodes) in `read`. */
@inline function markCell(read: usize, a: i32, v1: i32, v2: i32, far: i32): void {
  store<u8>(read + <usize>(a >> 4), 1);
  store<u8>(read + <usize>(v1 >> 4), 1);
  store<u8>(read + <usize>(v2 >> 4), 1);
  store<u8>(read + <usize>((a + far) >> 4), 1);
}

/**
 * The LUT nodes a region's simulation reads (simulate.ts): for each of its
 * `count` pixels (indices at `at`, i32) whose high or low sigma point has a non-zero
 * weight (`wHi`, `wLo`, f32), the four vertices of that point's tetrahedron (vertex
 * addresses at hv0..hv2 / lv0..lv2, i32 per pixel; the fourth at v0 + far) — marked in
 * `read` (u8 per node, `total` nodes) and listed in ascending order at `nodes` as
 * offsets into an RGB LUT (i32, 3 × node). Returns how many.
 */
export function markNodes(at: usize, wHi: usize, wLo: usize, count: i32, hv0: usize, hv1: usize, hv2: usize, lv0: usize, lv1: usize, lv2: usize, far: i32, read: usize, total: i32, nodes: usize): i32 {
  memory.fill(read, 0, <usize>total);
  for (let k = 0; k < count; k++) {
    const q = <usize>k << 2;
    const i = <usize>load<i32>(at + q) << 2;
    if (load<f32>(wHi + q) != 0) markCell(read, load<i32>(hv0 + i), load<i32>(hv1 + i), load<i32>(hv2 + i), far);
    if (load<f32>(wLo + q) != 0) markCell(read, load<i32>(lv0 + i), load<i32>(lv1 + i), load<i32>(lv2 + i), far);
  }
  let n = 0;
  for (let j = 0; j < total; j++) {
    if (!load<u8>(read + <usize>j)) continue;
    store<i32>(nodes + (<usize>n << 2), 3 * j);
    n++;
  }
  return n;
}

// ---- A region's transform at LUT nodes (render/operators.ts, render/operator-kernel.ts) ---

// The transform's constants (f64), laid out by operator-kernel.ts: the OKLab matrices
// (Ottosson 2020: M1 for linear sRGB, M2, and their inverses), Bradford's cone space
// (unit log gains of 100 mired, white's luminance per gain, the two matrices), the
// highlight knee, and the fast sRGB encoding (toe threshold, √ origin and inverse step,
// then its table).
const C_M1: usize = 0;
const C_M2: usize = 72;
const C_M2_INV: usize = 144;
const C_M1_INV: usize = 216;
const C_CONE_GAIN: usize = 288;
const C_WHITE_Y: usize = 312;
const C_RGB_TO_CONE: usize = 336;
const C_CONE_TO_RGB: usize = 408;
const C_KNEE: usize = 480;
const C_ENC_THRESHOLD: usize = 488;
const C_ENC_U0: usize = 496;
const C_ENC_INV_STEP: usize = 504;
const C_ENC_TABLE: usize = 512;
// A region's operator (f64): exposure gain, contrast pivot and slope, log chroma gain,
// temperature strength, then the full-strength white-balance matrix (row-major).
const O_GAIN: usize = 0;
const O_PIVOT: usize = 8;
const O_SLOPE: usize = 16;
const O_CHROMA: usize = 24;
const O_TEMPERATURE: usize = 32;
const O_WB: usize = 40;
/** Bisection steps of the gamut mapping (operators.ts GAMUT_STEPS). */
const GAMUT_STEPS = 10;

// The colour being transformed (operators.ts applyOperatorTo's io).
let cR: f64 = 0;
let cG: f64 = 0;
let cB: f64 = 0;

@inline function mat(c: usize, at: usize, i: i32): f64 {
  return load<f64>(c + at + (<usize>i << 3));
}

@inline function smoothstep(e0: f64, e1: f64, x: f64): f64 {
  const t = min(1.0, max(0.0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/** operators.ts oklabToLinear: OKLab (L, a, b) to linear sRGB, into cR, cG, cB. */
@inline function oklabToLinear(c: usize, L: f64, a: f64, b: f64): void {
  const l = mat(c, C_M2_INV, 0) * L + mat(c, C_M2_INV, 1) * a + mat(c, C_M2_INV, 2) * b;
  const m = mat(c, C_M2_INV, 3) * L + mat(c, C_M2_INV, 4) * a + mat(c, C_M2_INV, 5) * b;
  const s = mat(c, C_M2_INV, 6) * L + mat(c, C_M2_INV, 7) * a + mat(c, C_M2_INV, 8) * b;
  const l3 = l * l * l, m3 = m * m * m, s3 = s * s * s;
  cR = mat(c, C_M1_INV, 0) * l3 + mat(c, C_M1_INV, 1) * m3 + mat(c, C_M1_INV, 2) * s3;
  cG = mat(c, C_M1_INV, 3) * l3 + mat(c, C_M1_INV, 4) * m3 + mat(c, C_M1_INV, 5) * s3;
  cB = mat(c, C_M1_INV, 6) * l3 + mat(c, C_M1_INV, 7) * m3 + mat(c, C_M1_INV, 8) * s3;
}

/** operators.ts boostWeightTo: how strongly a chroma boost applies at OKLab (a, b). */
function boostWeight(a: f64, b: f64): f64 {
  const c = Math.sqrt(a * a + b * b);
  const neutral = 0.3 + 0.7 * smoothstep(0, 0.08, c);
  const skinChroma = smoothstep(0.02, 0.05, c) * (1 - smoothstep(0.15, 0.22, c));
  if (skinChroma == 0) return neutral;
  const hue = (Math.atan2(b, a) * 180) / Math.PI;
  const dh = (hue - 50) / 30;
  const skinHue = dh > -1 && dh < 1 ? 1 - dh * dh : 0.0;
  return neutral * (1 - 0.5 * skinHue * skinChroma);
}

/** operators.ts adaptTemperatureTo: von Kries adaptation of (cR, cG, cB) with strength s, in place. */
function adaptTemperature(c: usize, s: f64): void {
  const r = cR, g = cG, b = cB;
  const g0 = Math.exp(mat(c, C_CONE_GAIN, 0) * s), g1 = Math.exp(mat(c, C_CONE_GAIN, 1) * s), g2 = Math.exp(mat(c, C_CONE_GAIN, 2) * s);
  const k = 1 / (mat(c, C_WHITE_Y, 0) * g0 + mat(c, C_WHITE_Y, 1) * g1 + mat(c, C_WHITE_Y, 2) * g2);
  const c0 = k * g0 * (mat(c, C_RGB_TO_CONE, 0) * r + mat(c, C_RGB_TO_CONE, 1) * g + mat(c, C_RGB_TO_CONE, 2) * b);
  const c1 = k * g1 * (mat(c, C_RGB_TO_CONE, 3) * r + mat(c, C_RGB_TO_CONE, 4) * g + mat(c, C_RGB_TO_CONE, 5) * b);
  const c2 = k * g2 * (mat(c, C_RGB_TO_CONE, 6) * r + mat(c, C_RGB_TO_CONE, 7) * g + mat(c, C_RGB_TO_CONE, 8) * b);
  cR = mat(c, C_CONE_TO_RGB, 0) * c0 + mat(c, C_CONE_TO_RGB, 1) * c1 + mat(c, C_CONE_TO_RGB, 2) * c2;
  cG = mat(c, C_CONE_TO_RGB, 3) * c0 + mat(c, C_CONE_TO_RGB, 4) * c1 + mat(c, C_CONE_TO_RGB, 5) * c2;
  cB = mat(c, C_CONE_TO_RGB, 6) * c0 + mat(c, C_CONE_TO_RGB, 7) * c1 + mat(c, C_CONE_TO_RGB, 8) * c2;
}

/** operators.ts applyOperatorTo on (cR, cG, cB), in place: exposure, contrast, chroma, white balance. */
function transform(c: usize, op: usize): void {
  let R = cR, G = cG, B = cB;
  const k = load<f64>(op + O_GAIN);
  if (k > 1) {
    R = (k * R) / (1 + (k - 1) * R);
    G = (k * G) / (1 + (k - 1) * G);
    B = (k * B) / (1 + (k - 1) * B);
  } else if (k < 1) {
    R *= k;
    G *= k;
    B *= k;
  }
  const l = Math.cbrt(mat(c, C_M1, 0) * R + mat(c, C_M1, 1) * G + mat(c, C_M1, 2) * B);
  const mm = Math.cbrt(mat(c, C_M1, 3) * R + mat(c, C_M1, 4) * G + mat(c, C_M1, 5) * B);
  const s = Math.cbrt(mat(c, C_M1, 6) * R + mat(c, C_M1, 7) * G + mat(c, C_M1, 8) * B);
  let L = mat(c, C_M2, 0) * l + mat(c, C_M2, 1) * mm + mat(c, C_M2, 2) * s;
  let a = mat(c, C_M2, 3) * l + mat(c, C_M2, 4) * mm + mat(c, C_M2, 5) * s;
  let bb = mat(c, C_M2, 6) * l + mat(c, C_M2, 7) * mm + mat(c, C_M2, 8) * s;
  const slope = load<f64>(op + O_SLOPE);
  if (slope != 1) {
    const pivot = load<f64>(op + O_PIVOT);
    // (Literals written as doubles: a ternary takes its first branch's type.)
    L = L <= 0 ? 0.0 : L >= 1 ? 1.0 : L <= pivot ? pivot * Math.exp(slope * Math.log(L / pivot)) : 1 - (1 - pivot) * Math.exp(slope * Math.log((1 - L) / (1 - pivot)));
  }
  const chroma = load<f64>(op + O_CHROMA);
  if (chroma != 0) {
    const gainC = chroma > 0 ? Math.exp(chroma * boostWeight(a, bb)) : Math.exp(chroma);
    a *= gainC;
    bb *= gainC;
  }
  oklabToLinear(c, L, a, bb);
  R = cR;
  G = cG;
  B = cB;
  if (R < 0 || R > 1 || G < 0 || G > 1 || B < 0 || B > 1) {
    if (L >= 1) {
      R = G = B = 1;
    } else if (L <= 0) {
      R = G = B = 0;
    } else {
      let lo: f64 = 0, hi: f64 = 1;
      for (let i = 0; i < GAMUT_STEPS; i++) {
        const t = (lo + hi) / 2;
        oklabToLinear(c, L, a * t, bb * t);
        if (cR < 0 || cR > 1 || cG < 0 || cG > 1 || cB < 0 || cB > 1) hi = t;
        else lo = t;
      }
      oklabToLinear(c, L, a * lo, bb * lo);
      R = cR;
      G = cG;
      B = cB;
    }
  }
  let r2: f64, g2: f64, b2: f64;
  const max = R > G ? (R > B ? R : B) : G > B ? G : B;
  const knee = load<f64>(c + C_KNEE);
  const temperature = load<f64>(op + O_TEMPERATURE);
  if (max <= knee) {
    const w = op + O_WB;
    r2 = load<f64>(w) * R + load<f64>(w, 8) * G + load<f64>(w, 16) * B;
    g2 = load<f64>(w, 24) * R + load<f64>(w, 32) * G + load<f64>(w, 40) * B;
    b2 = load<f64>(w, 48) * R + load<f64>(w, 56) * G + load<f64>(w, 64) * B;
  } else if (temperature == 0 || max >= 1) {
    r2 = R;
    g2 = G;
    b2 = B;
  } else {
    cR = R;
    cG = G;
    cB = B;
    adaptTemperature(c, temperature * (1 - smoothstep(knee, 1, max)));
    r2 = cR;
    g2 = cG;
    b2 = cB;
  }
  cR = r2 <= 0 ? 0.0 : r2 >= 1 ? 1.0 : r2;
  cG = g2 <= 0 ? 0.0 : g2 >= 1 ? 1.0 : g2;
  cB = b2 <= 0 ? 0.0 : b2 >= 1 ? 1.0 : b2;
}

/** srgb.ts linearToSrgbFast: linear 0..1 to sRGB-encoded 0..1 (table over √v). */
@inline function encode(c: usize, v: f64): f64 {
  if (v <= load<f64>(c + C_ENC_THRESHOLD)) return v * 12.92;
  const t = (Math.sqrt(v) - load<f64>(c + C_ENC_U0)) * load<f64>(c + C_ENC_INV_STEP);
  const i = <i32>t;
  const a = load<f64>(c + C_ENC_TABLE + (<usize>i << 3));
  return a + (t - <f64>i) * (load<f64>(c + C_ENC_TABLE + (<usize>(i + 1) << 3)) - a);
}

/**
 * A region's transform (constants at `c`, operator at `op`) sampled at lattice nodes of
 * a size³ LUT over the sRGB cube (`lin`: each coordinate's linear value, f64 × size):
 * the `count` nodes listed at `nodes` (i32 offsets 3 × node into an RGB LUT), or every
 * node in order when `nodes` is 0. Writes the sRGB-encoded outputs as f32 to `out`:
 * an RGB LUT (lut.ts buildLut, 0..1) or, with `x4`, f32 × 4 per node on 0..255
 * (the solver's evaluation LUT, proxy.ts).
 */
export function operatorNodes(c: usize, op: usize, lin: usize, size: i32, nodes: usize, count: i32, out: usize, x4: bool): void {
  for (let k = 0; k < count; k++) {
    const n = nodes ? load<i32>(nodes + (<usize>k << 2)) / 3 : k;
    const b = n % size, g = (n / size) % size, r = n / (size * size);
    cR = load<f64>(lin + (<usize>r << 3));
    cG = load<f64>(lin + (<usize>g << 3));
    cB = load<f64>(lin + (<usize>b << 3));
    transform(c, op);
    if (x4) {
      const o = out + (<usize>n << 4);
      store<f32>(o, <f32>(encode(c, cR) * 255));
      store<f32>(o, <f32>(encode(c, cG) * 255), 4);
      store<f32>(o, <f32>(encode(c, cB) * 255), 8);
    } else {
      const o = out + <usize>(12 * n);
      store<f32>(o, <f32>encode(c, cR));
      store<f32>(o, <f32>encode(c, cG), 4);
      store<f32>(o, <f32>encode(c, cB), 8);
    }
  }
}

// ---- The plan's cell map (render/plan.ts classifyCells) ---------------------------------

/**
 * Marks region `k`'s feather (`ab`: a_r, a_g, a_b, b f32 × 4 per node of its w × h
 * window at x0, y0 of a gw-wide grid) on the grid's nodes: `owner` (i16) becomes k where
 * the region alone has full weight and the node had no owner, −2 where its weight is
 * partial or another region reached it first; `reach` (u32) gets `bit` wherever its
 * weight is not zero.
 */
export function markFeather(ab: usize, w: i32, h: i32, x0: i32, y0: i32, gw: i32, k: i32, bit: u32, owner: usize, reach: usize): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = ab + (<usize>(y * w + x) << 4);
      const g = <usize>((y + y0) * gw + x + x0);
      const ow = owner + (g << 1);
      if (load<f32>(o) == 0 && load<f32>(o, 4) == 0 && load<f32>(o, 8) == 0) {
        const d = load<f32>(o, 12);
        if (d == 0) continue;
        store<i16>(ow, d == 1 && load<i16>(ow) == -1 ? <i16>k : -2);
      } else {
        store<i16>(ow, -2);
      }
      const r = reach + (g << 2);
      store<u32>(r, load<u32>(r) | bit);
    }
  }
}

/**
 * The cells between the nodes (cw × ch): mode 0 where no region reaches any of a cell's
 * 4 nodes, k + 1 where region k alone owns all 4, 255 otherwise (`modes`, u8), and the
 * union of the regions reaching its nodes (`regions`, u32).
 */
export function classifyNodes(owner: usize, reach: usize, gw: i32, gh: i32, cw: i32, ch: i32, modes: usize, regions: usize): void {
  const dx = gw > 1 ? 1 : 0, dy = gh > 1 ? gw : 0;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const i = y * cw + x;
      const n00 = y * gw + x, n10 = n00 + dx, n01 = n00 + dy, n11 = n01 + dx;
      const a = load<i16>(owner + (<usize>n00 << 1)), b = load<i16>(owner + (<usize>n10 << 1));
      const c = load<i16>(owner + (<usize>n01 << 1)), d = load<i16>(owner + (<usize>n11 << 1));
      store<u8>(modes + <usize>i, a == -1 && b == -1 && c == -1 && d == -1 ? 0 : a >= 0 && a == b && a == c && a == d ? <u8>(a + 1) : 255);
      store<u32>(regions + (<usize>i << 2), load<u32>(reach + (<usize>n00 << 2)) | load<u32>(reach + (<usize>n10 << 2)) | load<u32>(reach + (<usize>n01 << 2)) | load<u32>(reach + (<usize>n11 << 2)));
    }
  }
}

// ---- The planner's half-size source (render/region-solve.ts halfSize) ------------------

/**
 * Means of 2 × 2 blocks of a W × H interleaved RGB image (f32 at `data`) into a w × h
 * one at `mean`, and per block and channel √(max(0, variance of its four means) + mean of
 * its four squared spreads) at `combined` (spreads f32 at `spread`, or 0: none) — the
 * law of total variance — in region-solve.ts halfSize's double-precision steps. `dx`,
 * `dy`: 0 where the image is one pixel wide or high (its blocks then count a pixel twice).
 */
export function halfBlocks(data: usize, spread: usize, W: i32, w: i32, h: i32, dx: i32, dy: i32, mean: usize, combined: usize): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p00 = <usize>(3 * ((2 * y) * W + 2 * x)), p10 = p00 + <usize>(3 * dx), p01 = p00 + <usize>(3 * W * dy), p11 = p01 + <usize>(3 * dx);
      const o = <usize>(3 * (y * w + x));
      for (let c: usize = 0; c < 3; c++) {
        const a = <f64>load<f32>(data + ((p00 + c) << 2)), b = <f64>load<f32>(data + ((p10 + c) << 2));
        const d = <f64>load<f32>(data + ((p01 + c) << 2)), e = <f64>load<f32>(data + ((p11 + c) << 2));
        const m = (a + b + d + e) / 4;
        const ofMeans = (a * a + b * b + d * d + e * e) / 4 - m * m;
        let own = 0.0;
        if (spread) {
          const s00 = <f64>load<f32>(spread + ((p00 + c) << 2)), s10 = <f64>load<f32>(spread + ((p10 + c) << 2));
          const s01 = <f64>load<f32>(spread + ((p01 + c) << 2)), s11 = <f64>load<f32>(spread + ((p11 + c) << 2));
          own = (s00 * s00 + s10 * s10 + s01 * s01 + s11 * s11) / 4;
        }
        store<f32>(mean + ((o + c) << 2), <f32>m);
        store<f32>(combined + ((o + c) << 2), <f32>Math.sqrt(max(0.0, ofMeans) + own));
      }
    }
  }
}

// ---- Region statistics (scores/score-regions.ts) ---------------------------------------

/**
 * Adds, per label (0..255), the sufficient statistics of scores/stats.ts over `rows`
 * rows of an interleaved RGB f32 image (`data`) and its labels (u8) into `out`: ten
 * arrays of 256 f64 — n, ΣR, ΣG, ΣB, Σ|R−G|, Σ(R−G)², Σ|(R+G)/2−B|, Σ(…)², Σ pair
 * differences², pairs — each same-label right or lower neighbour pair counted twice (the
 * four shifts). With `next`, one more row follows in data and labels: the last row's
 * lower neighbours (the image is added a band of rows at a time). The same
 * double-precision operations in the same order as the JavaScript it replaces.
 */
export function regionSums(data: usize, labels: usize, width: i32, rows: i32, next: bool, out: usize): void {
  // The current label's ten sums live in locals while the label repeats (runs along
  // rows): the same additions in the same order, without a store-to-load round trip
  // through memory between one pixel's addition and the next (≈ 3× faster).
  let cur: usize = 0, held = false;
  let n = 0.0, sR = 0.0, sG = 0.0, sB = 0.0, sRg = 0.0, sRg2 = 0.0, sYb = 0.0, sYb2 = 0.0, sDiff = 0.0, sPairs = 0.0;
  for (let y = 0; y < rows; y++) {
    const hasDown = y + 1 < rows || next;
    for (let x = 0; x < width; x++) {
      const p = <usize>(y * width + x);
      const label = load<u8>(labels + p);
      const l = <usize>label << 3;
      if (!held || l != cur) {
        if (held) storeRegionSums(out + cur, n, sR, sG, sB, sRg, sRg2, sYb, sYb2, sDiff, sPairs);
        const f = out + l;
        n = load<f64>(f); sR = load<f64>(f, 2048); sG = load<f64>(f, 4096); sB = load<f64>(f, 6144); sRg = load<f64>(f, 8192);
        sRg2 = load<f64>(f, 10240); sYb = load<f64>(f, 12288); sYb2 = load<f64>(f, 14336); sDiff = load<f64>(f, 16384); sPairs = load<f64>(f, 18432);
        cur = l;
        held = true;
      }
      const o = data + p * 12;
      const r = <f64>load<f32>(o), g = <f64>load<f32>(o, 4), b = <f64>load<f32>(o, 8);
      const rg = abs(r - g);
      const yb = abs(0.5 * (r + g) - b);
      n += 1;
      sR += r;
      sG += g;
      sB += b;
      sRg += rg;
      sRg2 += rg * rg;
      sYb += yb;
      sYb2 += yb * yb;
      if (x + 1 < width && load<u8>(labels + p + 1) == label) {
        const dr = r - <f64>load<f32>(o, 12), dg = g - <f64>load<f32>(o, 16), db = b - <f64>load<f32>(o, 20);
        sDiff += 2 * (dr * dr + dg * dg + db * db);
        sPairs += 2;
      }
      if (hasDown && load<u8>(labels + p + <usize>width) == label) {
        const q = o + <usize>width * 12;
        const dr = r - <f64>load<f32>(q), dg = g - <f64>load<f32>(q, 4), db = b - <f64>load<f32>(q, 8);
        sDiff += 2 * (dr * dr + dg * dg + db * db);
        sPairs += 2;
      }
    }
  }
  if (held) storeRegionSums(out + cur, n, sR, sG, sB, sRg, sRg2, sYb, sYb2, sDiff, sPairs);
}

/** One label's ten sums back into regionSums' arrays (`f`: the label's slot in the first). */
@inline function storeRegionSums(f: usize, n: f64, sR: f64, sG: f64, sB: f64, sRg: f64, sRg2: f64, sYb: f64, sYb2: f64, sDiff: f64, sPairs: f64): void {
  store<f64>(f, n);
  store<f64>(f, sR, 2048);
  store<f64>(f, sG, 4096);
  store<f64>(f, sB, 6144);
  store<f64>(f, sRg, 8192);
  store<f64>(f, sRg2, 10240);
  store<f64>(f, sYb, 12288);
  store<f64>(f, sYb2, 14336);
  store<f64>(f, sDiff, 16384);
  store<f64>(f, sPairs, 18432);
}

// ---- The guided filter's per-pixel steps (render/guided-filter.ts) --------------------

/**
 * Each label's bounding box over a W × H raster of labels (u8): at out + 16·label,
 * i32 minX, minY, maxX, maxY — to be set beforehand to W, H, −1, −1 — lowered and
 * raised once per run of one label along a row.
 */
export function labelBounds(labels: usize, W: i32, H: i32, out: usize): void {
  for (let y = 0; y < H; y++) {
    const row = labels + <usize>(y * W);
    let x = 0;
    while (x < W) {
      const l = load<u8>(row + <usize>x);
      const x0 = x;
      while (x + 1 < W && load<u8>(row + <usize>(x + 1)) == l) x++;
      const o = out + (<usize>l << 4);
      if (x0 < load<i32>(o)) store<i32>(o, x0);
      if (y < load<i32>(o, 4)) store<i32>(o, y, 4);
      if (x > load<i32>(o, 8)) store<i32>(o, x, 8);
      store<i32>(o, y, 12);
      x++;
    }
  }
}

/**
 * The guide's statistics from its nine box means (boxMean4 outputs m0: r, g, b, rr;
 * m1: rg, rb, gg, gb; m2: bb, –, –, –, f32 × 4 per pixel): the means into `mean`
 * (f32 × 4: r, g, b, 0) and the inverse of the regularised local covariance Σ + εU
 * (He et al. 2013, eq. 14) into `inv` (f32 × 8: rr, rg, rb, gg, gb, bb, 0, 0). The
 * covariances are rounded to single precision before ε is added, as when stored.
 */
export function guideStats(m0: usize, m1: usize, m2: usize, n: i32, eps: f64, mean: usize, inv: usize): void {
  for (let i = 0; i < n; i++) {
    const q = <usize>i << 4;
    const mr = <f64>load<f32>(m0 + q), mg = <f64>load<f32>(m0 + q, 4), mb = <f64>load<f32>(m0 + q, 8);
    v128.store(mean + q, f32x4.replace_lane(v128.load(m0 + q), 3, 0));
    const rr = <f64><f32>(<f64>load<f32>(m0 + q, 12) - mr * mr) + eps;
    const rg = <f64><f32>(<f64>load<f32>(m1 + q) - mr * mg);
    const rb = <f64><f32>(<f64>load<f32>(m1 + q, 4) - mr * mb);
    const gg = <f64><f32>(<f64>load<f32>(m1 + q, 8) - mg * mg) + eps;
    const gb = <f64><f32>(<f64>load<f32>(m1 + q, 12) - mg * mb);
    const bb = <f64><f32>(<f64>load<f32>(m2 + q) - mb * mb) + eps;
    const c00 = gg * bb - gb * gb, c01 = rb * gb - rg * bb, c02 = rg * gb - rb * gg;
    const det = rr * c00 + rg * c01 + rb * c02;
    const o = inv + (<usize>i << 5);
    store<f32>(o, <f32>(c00 / det));
    store<f32>(o, <f32>(c01 / det), 4);
    store<f32>(o, <f32>(c02 / det), 8);
    store<f32>(o, <f32>((rr * bb - rb * rb) / det), 12);
    store<f32>(o, <f32>((rb * rg - rr * gb) / det), 16);
    store<f32>(o, <f32>((rr * gg - rg * rg) / det), 20);
    store<f32>(o, 0, 24);
    store<f32>(o, 0, 28);
  }
}

/**
 * A region's filter input on its window (x0, y0, w × h of the W-wide grid): per pixel
 * (p, I_r·p, I_g·p, I_b·p) with p = 1 where labels == id (f32 × 4 into `src`; the guide
 * `guide` is f32 × 4 per grid pixel).
 */
export function featherInput(labels: usize, guide: usize, W: i32, x0: i32, y0: i32, w: i32, h: i32, id: i32, src: usize): void {
  const one = f32x4.replace_lane(f32x4.splat(0), 0, 1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const g = <usize>((y + y0) * W + x + x0);
      const o = src + (<usize>(y * w + x) << 4);
      if (<i32>load<u8>(labels + g) == id) {
        // (1, r, g, b): the guide's lanes moved up by one.
        const I = v128.load(guide + (g << 4));
        v128.store(o, f32x4.add(one, v128.shuffle<f32>(I, I, 3, 0, 1, 2)));
      } else v128.store(o, i32x4.splat(0));
    }
  }
}

/**
 * The linear coefficients (a_r, a_g, a_b, b) per window pixel from the first box means
 * (`box`: mean p, mean I·p) and the guide's statistics (`mean`, `inv` per grid pixel),
 * written to `out` (f32 × 4): a = (Σ + εU)⁻¹·(mean Ip − mean I · mean p), b = mean p −
 * a·mean I; a window entirely inside or outside the region is exactly flat (a = 0, b = p).
 */
export function featherLinear(box: usize, mean: usize, inv: usize, W: i32, x0: i32, y0: i32, w: i32, h: i32, out: usize): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = <usize>(y * w + x) << 4;
      const g = <usize>((y + y0) * W + x + x0);
      const mp = <f64>load<f32>(box + k);
      if (mp == 0 || mp == 1) {
        v128.store(out + k, f32x4.replace_lane(f32x4.splat(0), 3, <f32>mp));
        continue;
      }
      const m = mean + (g << 4), iv = inv + (g << 5);
      const m0 = <f64>load<f32>(m), m1 = <f64>load<f32>(m, 4), m2 = <f64>load<f32>(m, 8);
      const c0 = <f64>load<f32>(box + k, 4) - m0 * mp;
      const c1 = <f64>load<f32>(box + k, 8) - m1 * mp;
      const c2 = <f64>load<f32>(box + k, 12) - m2 * mp;
      const i0 = <f64>load<f32>(iv), i1 = <f64>load<f32>(iv, 4), i2 = <f64>load<f32>(iv, 8);
      const i3 = <f64>load<f32>(iv, 12), i4 = <f64>load<f32>(iv, 16), i5 = <f64>load<f32>(iv, 20);
      const a0 = i0 * c0 + i1 * c1 + i2 * c2;
      const a1 = i1 * c0 + i3 * c1 + i4 * c2;
      const a2 = i2 * c0 + i4 * c1 + i5 * c2;
      store<f32>(out + k, <f32>a0);
      store<f32>(out + k, <f32>a1, 4);
      store<f32>(out + k, <f32>a2, 8);
      store<f32>(out + k, <f32>(mp - a0 * m0 - a1 * m1 - a2 * m2), 12);
    }
  }
}

/** Snaps flat coefficients (|a| < 1e-7 on all three) to exact a = 0 and b ∈ {0, 1} when within 1e-6, in place (f32 × 4 × n). */
export function featherSnap(ab: usize, n: i32): void {
  for (let k = 0; k < n; k++) {
    const o = ab + (<usize>k << 4);
    if (!(abs(load<f32>(o)) < 1e-7 && abs(load<f32>(o, 4)) < 1e-7 && abs(load<f32>(o, 8)) < 1e-7)) continue;
    const b = load<f32>(o, 12);
    v128.store(o, f32x4.replace_lane(f32x4.splat(0), 3, abs(b) < 1e-6 ? 0 : abs(b - 1) < 1e-6 ? 1 : b));
  }
}

/** The guide from interleaved RGB f32 on 0..255 (`rgb`, n pixels): f32 × 4 per pixel (r, g, b, 0) on 0..1. */
export function guideImage(rgb: usize, n: i32, guide: usize): void {
  for (let i = 0; i < n; i++) {
    const o = rgb + <usize>(i * 12);
    store<f32>(guide + (<usize>i << 4), load<f32>(o) / 255);
    store<f32>(guide + (<usize>i << 4), load<f32>(o, 4) / 255, 4);
    store<f32>(guide + (<usize>i << 4), load<f32>(o, 8) / 255, 8);
    store<f32>(guide + (<usize>i << 4), 0, 12);
  }
}

/**
 * Four of the nine channels whose box means the guide's statistics need, from the guide
 * (f32 × 4 per pixel) into `src`: part 0 (r, g, b, rr), part 1 (rg, rb, gg, gb), part 2 (bb, 0, 0, 0).
 */
export function guideProducts(guide: usize, n: i32, part: i32, src: usize): void {
  for (let i = 0; i < n; i++) {
    const q = <usize>i << 4;
    const v = v128.load(guide + q);
    let o: v128;
    if (part == 0) o = f32x4.replace_lane(v, 3, f32x4.extract_lane(v, 0) * f32x4.extract_lane(v, 0));
    else if (part == 1) o = f32x4.mul(v128.shuffle<f32>(v, v, 0, 0, 1, 1), v128.shuffle<f32>(v, v, 1, 2, 1, 2));
    else o = f32x4.replace_lane(f32x4.splat(0), 0, f32x4.extract_lane(v, 2) * f32x4.extract_lane(v, 2));
    v128.store(src + q, o);
  }
}
