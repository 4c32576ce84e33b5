import { SegmentationDocumentSchema, type SegmentJob } from '@pertouch/contracts';
import { decodeGreyPng } from '@pertouch/image-io';
import { MemoryObjectStore } from '@pertouch/storage';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { SegmenterError, problemOf } from './errors.js';
import { FakeSegmentationEngine } from './fake-engine.js';
import { SegmentService } from './segment-service.js';

async function solidPng(width: number, height: number, shade = 90): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: shade, g: 120, b: 200 } } }).png().toBuffer();
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string } | undefined> {
  try {
    await promise;
  } catch (error) {
    return problemOf(error) ?? { code: 'not-a-problem', message: String(error) };
  }
  return undefined;
}

describe('SegmentService', () => {
  let store: MemoryObjectStore;
  let engine: FakeSegmentationEngine;
  let service: SegmentService;
  const job: SegmentJob = { tenantId: 'acme', imageId: 'img-1', imageKey: 'tenants/acme/uploads/img-1.png' };

  beforeEach(async () => {
    store = new MemoryObjectStore();
    engine = new FakeSegmentationEngine({ version: '7' });
    service = new SegmentService({ store, engines: { embedded: engine }, defaultEngine: 'embedded', maxPixels: 1_000_000 });
    await store.put(job.imageKey, await solidPng(10, 6), 'image/png');
  });

  it('stores a label PNG and a JSON region table under the tenant prefix', async () => {
    const result = await service.segment(job);
    expect(result.cached).toBe(false);
    expect(result.engine).toBe('embedded@7');
    expect([result.width, result.height, result.regionCount]).toEqual([10, 6, 2]);
    expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.segmentationKey).toBe(`tenants/acme/segmentations/embedded/7/${result.contentHash}/segmentation.json`);
    expect(result.labelsKey).toBe(`tenants/acme/segmentations/embedded/7/${result.contentHash}/labels.png`);
    expect(result.maskKey).toBeUndefined();

    const labels = await decodeGreyPng(await store.get(result.labelsKey));
    expect([labels.width, labels.height]).toEqual([10, 6]);
    expect(Array.from(labels.data.slice(0, 10))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(store.objects.get(result.labelsKey)?.contentType).toBe('image/png');

    const doc = SegmentationDocumentSchema.parse(JSON.parse((await store.get(result.segmentationKey)).toString()));
    expect(doc).toMatchObject({ format: 1, width: 10, height: 6, engine: 'embedded@7', contentHash: result.contentHash, labelsKey: result.labelsKey, unavailable: [] });
    expect(doc.regions.map((r) => [r.id, r.label, r.area])).toEqual([
      [0, 'left', 30],
      [1, 'right', 30],
    ]);
    expect(store.objects.get(result.segmentationKey)?.contentType).toBe('application/json');
  });

  it('segments the same bytes once per tenant and engine version', async () => {
    const first = await service.segment(job);
    const again = await service.segment(job);
    expect(again).toEqual({ ...first, cached: true });
    expect(engine.autoCalls).toBe(1);

    // Same bytes under another image id of the same tenant: still cached.
    await store.put('tenants/acme/uploads/copy.png', await store.get(job.imageKey), 'image/png');
    expect((await service.segment({ ...job, imageId: 'copy', imageKey: 'tenants/acme/uploads/copy.png' })).cached).toBe(true);
    expect(engine.autoCalls).toBe(1);
  });

  it('never shares the cache across tenants', async () => {
    const first = await service.segment(job);
    const other: SegmentJob = { tenantId: 'globex', imageId: 'img-1', imageKey: 'tenants/globex/uploads/img-1.png' };
    await store.put(other.imageKey, await store.get(job.imageKey), 'image/png');
    const second = await service.segment(other);
    expect(second.cached).toBe(false);
    expect(engine.autoCalls).toBe(2);
    expect(second.contentHash).toBe(first.contentHash);
    expect(second.segmentationKey.startsWith('tenants/globex/')).toBe(true);
    expect(second.labelsKey.startsWith('tenants/globex/')).toBe(true);
  });

  it('recomputes for a new engine version', async () => {
    await service.segment(job);
    const v8 = new FakeSegmentationEngine({ version: '8' });
    const next = new SegmentService({ store, engines: { embedded: v8 }, defaultEngine: 'embedded', maxPixels: 1_000_000 });
    const result = await next.segment(job);
    expect(result.cached).toBe(false);
    expect(result.engine).toBe('embedded@8');
    expect(v8.autoCalls).toBe(1);
  });

  it('recomputes when the cache is disabled, writing the same keys', async () => {
    const first = await service.segment(job);
    const uncached = new SegmentService({ store, engines: { embedded: engine }, defaultEngine: 'embedded', maxPixels: 1_000_000, cache: false });
    const second = await uncached.segment(job);
    expect(second).toEqual(first);
    expect(engine.autoCalls).toBe(2);
  });

  it('repairs an unreadable cache entry', async () => {
    const first = await service.segment(job);
    await store.put(first.segmentationKey, Buffer.from('{"truncated'), 'application/json');
    const again = await service.segment(job);
    expect(again.cached).toBe(false);
    expect(SegmentationDocumentSchema.safeParse(JSON.parse((await store.get(first.segmentationKey)).toString())).success).toBe(true);
  });

  it('writes a mask PNG for a prompt, cached by prompt', async () => {
    const prompted = await service.segment({ ...job, prompt: { kind: 'point', x: 8, y: 1 } });
    expect(prompted.maskKey).toMatch(/^tenants\/acme\/segmentations\/embedded\/7\/[0-9a-f]{64}\/masks\/[0-9a-f]{32}\.png$/);
    const mask = await decodeGreyPng(await store.get(prompted.maskKey!));
    expect(Array.from(mask.data.slice(0, 10))).toEqual([0, 0, 0, 0, 0, 255, 255, 255, 255, 255]);
    expect(prompted.cached).toBe(false);

    // Same prompt spelled with the default made explicit: same key, nothing computed.
    const same = await service.segment({ ...job, prompt: { kind: 'point', x: 8, y: 1, positive: true } });
    expect(same.maskKey).toBe(prompted.maskKey);
    expect(same.cached).toBe(true);
    expect(engine.promptCalls).toBe(1);
    expect(engine.autoCalls).toBe(1);

    const left = await service.segment({ ...job, prompt: { kind: 'label', word: 'left' } });
    expect(left.maskKey).not.toBe(prompted.maskKey);
    expect(left.cached).toBe(false);
  });

  it('reports bad input with codes', async () => {
    await store.put('tenants/acme/uploads/corrupt.jpg', Buffer.from('\xff\xd8\xff\xe0 not really a jpeg'), 'image/jpeg');
    expect(await failure(service.segment({ ...job, imageKey: 'tenants/acme/uploads/corrupt.jpg' }))).toMatchObject({ code: 'invalid_image' });
    expect(await failure(service.segment({ ...job, imageKey: 'tenants/acme/uploads/missing.png' }))).toMatchObject({ code: 'image_not_found' });
    expect(await failure(service.segment({ ...job, engine: 'sam' }))).toMatchObject({ code: 'unknown_engine', message: expect.stringMatching(/available: embedded/) });
    expect(await failure(service.segment({ ...job, prompt: { kind: 'point', x: 10, y: 0 } }))).toMatchObject({ code: 'prompt_outside_image' });
    expect(await failure(service.segment({ ...job, prompt: { kind: 'box', box: { x0: 20, y0: 0, x1: 30, y1: 3 } } }))).toMatchObject({ code: 'prompt_outside_image' });
    expect(await failure(service.segment({ ...job, prompt: { kind: 'label', word: 'unicorn' } }))).toMatchObject({ code: 'unknown_label' });
  });

  it('refuses images over the pixel limit (a cached result needs no decoding, so is still served)', async () => {
    const small = new SegmentService({ store, engines: { embedded: engine }, defaultEngine: 'embedded', maxPixels: 59 });
    expect(await failure(small.segment(job))).toMatchObject({ code: 'image_too_large', message: expect.stringMatching(/PERTOUCH_MAX_PIXELS/) });
    expect(engine.autoCalls).toBe(0);
  });

  it('lets transient failures through as plain errors (retried by the queue)', async () => {
    const flaky = new FakeSegmentationEngine({ failTimes: 1 });
    const flakyService = new SegmentService({ store, engines: { embedded: flaky }, defaultEngine: 'embedded', maxPixels: 1_000_000 });
    const error = await flakyService.segment(job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(SegmenterError);
    expect(problemOf(error)).toBeUndefined();
    expect((await flakyService.segment(job)).cached).toBe(false);
  });

  it('refuses an engine answer at the wrong size (an engine bug, not bad input)', async () => {
    const liar = new FakeSegmentationEngine();
    liar.segmentAuto = async () => ({ width: 1, height: 1, labels: new Uint8Array(1), regions: [], engine: 'liar@1', unavailable: [] });
    const bad = new SegmentService({ store, engines: { embedded: liar }, defaultEngine: 'embedded', maxPixels: 1_000_000 });
    const error = await bad.segment(job).catch((e: unknown) => e);
    expect(problemOf(error)).toBeUndefined();
    expect(String(error)).toMatch(/1×1 raster .* 10×6 image/);
  });
});
