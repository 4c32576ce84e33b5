/**
 * Minimal 3×3 matrix helpers for the colour transforms.
 *
 * Matrices are row-major `Float64Array(9)`: `[m00, m01, m02, m10, …, m22]`, applied to
 * column vectors (`out = M · v`), the convention of Lindbloom and of the colour-science
 * package (`colour.algebra.vecmul`). Float64 because the matrices are built once and
 * their inverses must be exact enough for round trips to hold to ~1e-12.
 */

/** A row-major 3×3 matrix. */
export type Mat3 = Float64Array;

/**
 * A caller-provided result vector (a 3-tuple, or a 2-tuple for chromaticities). The scalar
 * colour functions write into it and return it so that hot loops never allocate.
 */
export type VecOut = number[] | Float32Array | Float64Array;

/** Builds a {@link Mat3} from 9 row-major numbers. */
export function mat3(values: ArrayLike<number>): Mat3 {
  if (values.length !== 9) throw new RangeError(`mat3: expected 9 values, got ${values.length}`);
  return Float64Array.from(values);
}

/** The 3×3 identity. */
export function identity3(out: Mat3 = new Float64Array(9)): Mat3 {
  out.fill(0);
  out[0] = out[4] = out[8] = 1;
  return out;
}

/** A diagonal matrix `diag(a, b, c)`. */
export function diagonal3(a: number, b: number, c: number, out: Mat3 = new Float64Array(9)): Mat3 {
  out.fill(0);
  out[0] = a;
  out[4] = b;
  out[8] = c;
  return out;
}

/** Matrix product `a · b`. `out` may alias `a` or `b` (the inputs are read first). */
export function multiply3(a: ArrayLike<number>, b: ArrayLike<number>, out: Mat3 = new Float64Array(9)): Mat3 {
  const a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8];
  const b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5], b6 = b[6], b7 = b[7], b8 = b[8];
  out[0] = a0 * b0 + a1 * b3 + a2 * b6;
  out[1] = a0 * b1 + a1 * b4 + a2 * b7;
  out[2] = a0 * b2 + a1 * b5 + a2 * b8;
  out[3] = a3 * b0 + a4 * b3 + a5 * b6;
  out[4] = a3 * b1 + a4 * b4 + a5 * b7;
  out[5] = a3 * b2 + a4 * b5 + a5 * b8;
  out[6] = a6 * b0 + a7 * b3 + a8 * b6;
  out[7] = a6 * b1 + a7 * b4 + a8 * b7;
  out[8] = a6 * b2 + a7 * b5 + a8 * b8;
  return out;
}

/** Determinant by cofactor expansion along the first row. */
export function determinant3(m: ArrayLike<number>): number {
  return (
    m[0] * (m[4] * m[8] - m[5] * m[7]) -
    m[1] * (m[3] * m[8] - m[5] * m[6]) +
    m[2] * (m[3] * m[7] - m[4] * m[6])
  );
}

/**
 * Inverse by the adjugate (`M⁻¹ = adj(M) / det(M)`): closed form, so the inverse of a
 * published matrix is reproducible to the last bit rather than depending on pivoting.
 * Throws on a singular matrix. `out` may alias `m`.
 */
export function invert3(m: ArrayLike<number>, out: Mat3 = new Float64Array(9)): Mat3 {
  const m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7], m8 = m[8];
  const c00 = m4 * m8 - m5 * m7;
  const c01 = m5 * m6 - m3 * m8;
  const c02 = m3 * m7 - m4 * m6;
  const det = m0 * c00 + m1 * c01 + m2 * c02;
  if (det === 0 || !Number.isFinite(det)) throw new RangeError('invert3: matrix is singular');
  const k = 1 / det;
  out[0] = c00 * k;
  out[1] = (m2 * m7 - m1 * m8) * k;
  out[2] = (m1 * m5 - m2 * m4) * k;
  out[3] = c01 * k;
  out[4] = (m0 * m8 - m2 * m6) * k;
  out[5] = (m2 * m3 - m0 * m5) * k;
  out[6] = c02 * k;
  out[7] = (m1 * m6 - m0 * m7) * k;
  out[8] = (m0 * m4 - m1 * m3) * k;
  return out;
}

/** `out = m · (x, y, z)ᵀ`. Allocation-free. */
export function applyMatrix3<T extends VecOut>(m: ArrayLike<number>, x: number, y: number, z: number, out: T): T {
  out[0] = m[0] * x + m[1] * y + m[2] * z;
  out[1] = m[3] * x + m[4] * y + m[5] * z;
  out[2] = m[6] * x + m[7] * y + m[8] * z;
  return out;
}

/** Throws unless `length` is a whole number of interleaved 3-sample pixels and `outLength` matches it. */
export function assertTriples(length: number, outLength: number, what: string): void {
  if (length % 3 !== 0) throw new RangeError(`${what}: buffer length ${length} is not a multiple of 3`);
  if (outLength !== length) throw new RangeError(`${what}: output length ${outLength} differs from input length ${length}`);
}

/**
 * Applies `m` to every interleaved triple of `buf` (e.g. an RGB adaptation matrix to a
 * linear image). `out` may be `buf` itself for an in-place transform.
 */
export function applyMatrix3ToBuffer(m: ArrayLike<number>, buf: Float32Array, out: Float32Array = new Float32Array(buf.length)): Float32Array {
  assertTriples(buf.length, out.length, 'applyMatrix3ToBuffer');
  // Hoisted into locals so the loop body touches only registers and the two buffers.
  const m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7], m8 = m[8];
  for (let i = 0, n = buf.length; i < n; i += 3) {
    const x = buf[i], y = buf[i + 1], z = buf[i + 2];
    out[i] = m0 * x + m1 * y + m2 * z;
    out[i + 1] = m3 * x + m4 * y + m5 * z;
    out[i + 2] = m6 * x + m7 * y + m8 * z;
  }
  return out;
}
