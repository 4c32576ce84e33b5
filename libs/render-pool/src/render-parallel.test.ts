import { DEFAULT_CALIBRATION, render } from '@pertouch/imaging';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSample, loadSampleMask } from '../../imaging/src/testing/fixtures.js';
import { RenderPool } from './pool.js';
import { largestFirst, renderParallel } from './render-parallel.js';
import { taken } from './run-task.js';

describe('renderParallel', () => {
  const pool = RenderPool.create(2);
  afterAll(() => pool.close());

  it('gives the single-threaded render bit for bit, on worker threads', async () => {
    const name = 'picosdeeuropa_by_Aitzol_Berasategi.jpg';
    const image = await loadSample(name, 2000);
    const mask = await loadSampleMask(name);
    const map = { regions: [{ id: 1, values: { brightness: 0.2, colorfulness: -0.1 } }], global: { contrast: 0.1 } };
    const serial = render(image, mask, map, DEFAULT_CALIBRATION);
    const parallel = await renderParallel(pool, image, mask, map, DEFAULT_CALIBRATION);
    expect(pool.threads).toBe(2);
    expect(Buffer.compare(Buffer.from(parallel.image.data.buffer as ArrayBuffer), Buffer.from(serial.image.data.buffer as ArrayBuffer))).toBe(0);
    expect(parallel.report).toEqual(serial.report);
  });

  it('overwrites every number of its recycled scratch before reading it', async () => {
    const name = 'picosdeeuropa_by_Aitzol_Berasategi.jpg';
    const image = await loadSample(name, 2000);
    const mask = await loadSampleMask(name);
    const map = { regions: [{ id: 1, values: { brightness: 0.2, colorfulness: -0.1 } }], global: { contrast: 0.1 } };
    const dirty = RenderPool.create(2);
    // Scratch full of NaNs (all bits set), as if left over from another render.
    dirty.recycled = (bytes) => {
      const buffer = new SharedArrayBuffer(bytes);
      new Uint8Array(buffer).fill(0xff);
      return buffer;
    };
    try {
      const serial = render(image, mask, map, DEFAULT_CALIBRATION);
      const parallel = await renderParallel(dirty, image, mask, map, DEFAULT_CALIBRATION);
      expect(Buffer.compare(Buffer.from(parallel.image.data.buffer as ArrayBuffer), Buffer.from(serial.image.data.buffer as ArrayBuffer))).toBe(0);
      expect(parallel.report).toEqual(serial.report);
    } finally {
      await dirty.close();
    }
  });

  it('hands every item of a shared claim to exactly one taker, as each asks for the next', () => {
    const claim = new SharedArrayBuffer(4);
    const [a, b] = [taken(claim, 5), taken(claim, 5)];
    const got = [a.next().value, b.next().value, b.next().value, a.next().value, b.next().value, a.next().done, b.next().done];
    expect(got).toEqual([0, 1, 2, 3, 4, true, true]);
    expect([...taken(undefined, 3)]).toEqual([0, 1, 2]);
  });

  it('solves a round largest region first', () => {
    const request = (id: number, pixels: number) => ({ id, pixels, asShotRaw: {} as never, aim: {} as never, proxy: null, previous: null });
    expect(largestFirst([request(1, 10), request(2, 50), request(3, 30)]).map((r) => r.id)).toEqual([2, 3, 1]);
  });

  it('hands a pre-mapped spare buffer to the next image of its size, once', async () => {
    const spares = RenderPool.create(1);
    const first = spares.shareBuffer(4096);
    spares.prepareSpare(4096);
    await new Promise((resolve) => setImmediate(resolve));
    const second = spares.shareBuffer(4096);
    expect(second).not.toBe(first);
    expect(spares.shareBuffer(4096)).not.toBe(second); // the spare went with `second`
    spares.prepareSpare(4096);
    await new Promise((resolve) => setImmediate(resolve));
    expect(spares.shareBuffer(8192).byteLength).toBe(8192); // another size: a fresh buffer
    spares.spareLimit = 0;
    spares.prepareSpare(4096);
    await new Promise((resolve) => setImmediate(resolve));
    expect(new Uint8Array(spares.shareBuffer(4096)).every((v) => v === 0)).toBe(true);
    await spares.close();
  });

  it('rejects a bad thread count', () => {
    expect(() => RenderPool.create(0)).toThrow(RangeError);
  });
});
