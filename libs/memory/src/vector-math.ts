/** The little vector arithmetic the memory needs (descriptor normalisation, in-memory search). */

/** `v` scaled to unit length (in place); a zero vector stays zero rather than becoming NaN. */
export function l2Normalize(v: Float32Array): Float32Array {
  let sq = 0;
  for (const x of v) sq += x * x;
  const norm = Math.sqrt(sq);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

/**
 * Cosine distance 1 − cos(a, b), in [0, 2], as pgvector's `<=>` computes it. Vectors of
 * different lengths are a caller bug (different feature kinds) and throw.
 */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cosineDistance: dimensions differ (${a.length} vs ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 || nb === 0) return 1; // pgvector answers NaN; "unrelated" is the useful reading here
  return Math.min(2, Math.max(0, 1 - dot / Math.sqrt(na * nb)));
}
