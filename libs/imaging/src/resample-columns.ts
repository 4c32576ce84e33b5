/**
 * The 8-bit path of the area accumulator (resample.ts), columns first.
 *
 * The exact area average sums integer-weighted samples: a source row weighs `height`
 * units in the output row(s) it falls in (split hA + hB where it straddles two), a
 * source column `width` units likewise. The generic path filters every source row
 * horizontally and then adds it vertically; for 8-bit sources it is much cheaper to add
 * the rows of one output row first — plain integer sums per column, two typed-array
 * updates per sample, four rows per sweep — and to filter horizontally once per output
 * row. Integer arithmetic throughout, so the sums are the same integers (hence the
 * same doubles) as the generic path's, in any order and any split into strips.
 */

/** How a source row spreads over the output rows, in integer units (see AreaAccumulator). */
export function rowShares(j: number, srcHeight: number, height: number): { row: number; first: number; second: number } {
  const row = Math.floor((j * height) / srcHeight);
  const first = Math.min((j + 1) * height, (row + 1) * srcHeight) - j * height;
  return { row, first, second: height - first };
}

/**
 * Adds `count` consecutive source rows starting at sample `base` (rows of `rowLength`
 * samples) to the per-column plain sums and, when given, sums of squares. Up to eight
 * rows per sweep: each accumulator is read and written once for several samples, which
 * is most of the cost.
 */
export function addPlainRows(src: Uint8Array, base: number, rowLength: number, count: number, plain: Int32Array, plainSq: Int32Array | null): void {
  let b = base, left = count;
  for (; left >= 8; left -= 8, b += 8 * rowLength) addEightRows(src, b, rowLength, plain, plainSq);
  for (; left >= 4; left -= 4, b += 4 * rowLength) addFourRows(src, b, rowLength, plain, plainSq);
  for (; left > 0; left--, b += rowLength) {
    if (plainSq) {
      for (let k = 0; k < rowLength; k++) {
        const v = src[b + k];
        plain[k] += v;
        plainSq[k] += v * v;
      }
    } else {
      for (let k = 0; k < rowLength; k++) plain[k] += src[b + k];
    }
  }
}

function addEightRows(src: Uint8Array, b: number, n: number, plain: Int32Array, plainSq: Int32Array | null): void {
  const b1 = b + n, b2 = b1 + n, b3 = b2 + n, b4 = b3 + n, b5 = b4 + n, b6 = b5 + n, b7 = b6 + n;
  if (plainSq) {
    for (let k = 0; k < n; k++) {
      const v0 = src[b + k], v1 = src[b1 + k], v2 = src[b2 + k], v3 = src[b3 + k];
      const v4 = src[b4 + k], v5 = src[b5 + k], v6 = src[b6 + k], v7 = src[b7 + k];
      plain[k] += v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7;
      plainSq[k] += v0 * v0 + v1 * v1 + v2 * v2 + v3 * v3 + v4 * v4 + v5 * v5 + v6 * v6 + v7 * v7;
    }
  } else {
    for (let k = 0; k < n; k++) plain[k] += src[b + k] + src[b1 + k] + src[b2 + k] + src[b3 + k] + src[b4 + k] + src[b5 + k] + src[b6 + k] + src[b7 + k];
  }
}

function addFourRows(src: Uint8Array, b: number, n: number, plain: Int32Array, plainSq: Int32Array | null): void {
  const b1 = b + n, b2 = b1 + n, b3 = b2 + n;
  if (plainSq) {
    for (let k = 0; k < n; k++) {
      const v0 = src[b + k], v1 = src[b1 + k], v2 = src[b2 + k], v3 = src[b3 + k];
      plain[k] += v0 + v1 + v2 + v3;
      plainSq[k] += v0 * v0 + v1 * v1 + v2 * v2 + v3 * v3;
    }
  } else {
    for (let k = 0; k < n; k++) plain[k] += src[b + k] + src[b1 + k] + src[b2 + k] + src[b3 + k];
  }
}

/** Adds one source row with integer weight `w` to the weighted column sums (rows that straddle two output rows). */
export function addWeightedRow(src: Uint8Array, base: number, rowLength: number, w: number, weighted: Float64Array, weightedSq: Float64Array | null): void {
  for (let k = 0; k < rowLength; k++) {
    const v = src[base + k];
    weighted[k] += w * v;
    if (weightedSq) weightedSq[k] += w * v * v;
  }
}

/** Horizontal geometry of the area average: per source column its first output column, weight there, and whether it closes it. */
export interface ColumnShares {
  readonly colA: Int32Array;
  readonly colWA: Float64Array;
  readonly closes: Uint8Array;
  /** Units of a source column entirely inside one output column (the output width). */
  readonly full: number;
}

/**
 * Takes the column totals of one output row — `unit` × plain + weighted, per source
 * sample — filters them horizontally and adds them into `out` from sample `outBase`:
 * whole columns are summed plainly and scaled once per output column, straddling
 * columns split by their weights. Resets both column accumulators for the next row.
 */
export function flushColumns(plain: Int32Array, weighted: Float64Array, unit: number, shares: ColumnShares, out: Float64Array, outBase: number): void {
  const { colA, colWA, closes, full } = shares;
  const srcWidth = colA.length;
  let r = 0, g = 0, b = 0;
  for (let i = 0; i < srcWidth; i++) {
    const s = 3 * i;
    const R = unit * plain[s] + weighted[s], G = unit * plain[s + 1] + weighted[s + 1], B = unit * plain[s + 2] + weighted[s + 2];
    plain[s] = plain[s + 1] = plain[s + 2] = 0;
    weighted[s] = weighted[s + 1] = weighted[s + 2] = 0;
    const wA = colWA[i];
    if (wA === full) {
      r += R; g += G; b += B;
      if (!closes[i]) continue;
      const o = outBase + 3 * colA[i];
      out[o] += full * r;
      out[o + 1] += full * g;
      out[o + 2] += full * b;
      r = g = b = 0;
      continue;
    }
    const o = outBase + 3 * colA[i];
    const wB = full - wA;
    out[o] += full * r + wA * R;
    out[o + 1] += full * g + wA * G;
    out[o + 2] += full * b + wA * B;
    out[o + 3] += wB * R;
    out[o + 4] += wB * G;
    out[o + 5] += wB * B;
    r = g = b = 0;
  }
}
