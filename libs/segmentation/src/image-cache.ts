/**
 * A small least-recently-used cache plus the content key of an image: both engines keep
 * recent work per image (SAM its embeddings, the embedded engine its segmentations).
 */
import { createHash } from 'node:crypto';
import type { RgbImage } from '@pertouch/imaging';

/**
 * The cache key of an image's pixels: SHA-256 over its size, sample width and raw sample
 * bytes. Equal pixels give equal keys whatever object holds them; any change of a sample
 * changes the key (collisions are not a practical concern at 256 bits).
 */
export function imageContentKey(image: RgbImage): string {
  const header = `${image.width}x${image.height}x${image.data.BYTES_PER_ELEMENT}:`;
  const bytes = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return createHash('sha256').update(header).update(bytes).digest('hex');
}

/**
 * Least-recently-used map with a fixed capacity. Values are usually promises, so
 * concurrent requests for one image share one encoder run.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`LruCache: capacity must be a non-negative integer (got ${capacity})`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value for `key`, marking it most recently used; undefined when absent. */
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Map iteration order is insertion order: re-inserting moves the key to the young end.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** The value for `key` without changing its recency. */
  peek(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Stores `value`, evicting the least recently used entry beyond capacity. */
  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.capacity === 0) return;
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
