/**
 * A direct-mapped cache of one region's 8-bit transform, for the full-resolution pass.
 *
 * Photographs repeat colours — flat skies, neighbouring pixels, JPEG's smooth blocks:
 * the 12 MP sunset has 176 000 distinct colours — so most pixels of a region find their
 * output already computed, and a hit (one hash, two reads) costs half of a tetrahedral
 * interpolation. A hit returns exactly what the interpolation returned for that colour,
 * so the result does not depend on the cache (nor on how rows are split into strips).
 */

/** log2 of the number of slots: 2^16 slots hold a region's usual working set of colours (512 KiB). */
export const CACHE_BITS = 16;

export interface ColourCache {
  /** Per slot, the cached colour 0xRRGGBB, or −1 when empty. */
  readonly keys: Int32Array;
  /** Per slot, the output colour packed 0xRRGGBB. */
  readonly values: Int32Array;
}

export function colourCache(): ColourCache {
  return { keys: new Int32Array(1 << CACHE_BITS).fill(-1), values: new Int32Array(1 << CACHE_BITS) };
}

/** The slot of colour `key` (0xRRGGBB): Fibonacci hashing, the top bits of key × 2^32/φ. */
export function cacheSlot(key: number): number {
  return Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS);
}
