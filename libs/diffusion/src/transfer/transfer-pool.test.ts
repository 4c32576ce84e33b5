/** The transfer on worker threads (the compiled worker in dist/: build first) gives the inline result, byte for byte. */
import { afterAll, describe, expect, it } from 'vitest';
import { applyColourGrid } from './apply-grid.js';
import { fitColourGrid } from './colour-grid.js';
import { TransferPool } from './transfer-pool.js';

const source = { width: 64, height: 64, data: Float32Array.from({ length: 64 * 64 * 3 }, (_, i) => ((i * 37) % 255) / 255) };
const grid = fitColourGrid(source, { ...source, data: source.data.map((v, i) => (i % 3 === 0 ? v * 0.8 + 0.1 : v * 1.1)) });
const pools: TransferPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('TransferPool', () => {
  it('splits the image into strips across threads and returns what the inline pass returns (8 and 16 bit)', async () => {
    const pool = TransferPool.create(3, 1); // every image goes to the threads
    pools.push(pool);
    expect(pool.threadsFor(500, 301)).toBe(3);
    const eight = { width: 500, height: 301, data: Uint8Array.from({ length: 500 * 301 * 3 }, (_, i) => (i * 13) % 256) };
    const sixteen = { width: 500, height: 301, data: Uint16Array.from(eight.data, (v) => v * 257 + (v % 7)) };
    for (const image of [eight, sixteen]) {
      const threaded = await pool.apply(grid, image);
      const inline = applyColourGrid(grid, image);
      expect(threaded.data.constructor).toBe(image.data.constructor);
      expect(threaded.data.buffer).toBeInstanceOf(ArrayBuffer); // ordinary memory, not shared
      expect(Buffer.from(threaded.data.buffer).equals(Buffer.from(inline.data.buffer))).toBe(true);
    }
  });

  it('runs small images inline, and refuses work once closed', async () => {
    const pool = TransferPool.create(2); // 2 MP threshold
    expect(pool.threadsFor(1000, 1000)).toBe(1);
    expect(pool.threadsFor(2000, 1500)).toBe(2);
    await pool.close();
    await expect(pool.apply(grid, { width: 1, height: 1, data: new Uint8Array(3) })).rejects.toThrow(/closed/);
    expect(() => TransferPool.create(0)).toThrow(RangeError);
  });
});
