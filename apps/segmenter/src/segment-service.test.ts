import { SegmentJobSchema, SegmentationDocumentSchema, type SegmentJob, type SegmentPrompt } from '@pertouch/contracts';
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

  describe('merge', () => {
    const box = { kind: 'box', box: { x0: 2, y0: 1, x1: 7, y1: 4 } } as const;
    const merging: SegmentJob = { ...job, prompt: box, merge: { label: 'boat' } };

    async function table(key: string) {
      return SegmentationDocumentSchema.parse(JSON.parse((await store.get(key)).toString()));
    }

    it('writes the segmentation with the mask as the lowest free id, its table recomputed from the raster', async () => {
      const result = await service.segment(merging);
      const base = `tenants/acme/segmentations/embedded/7/${result.contentHash}/`;
      expect(result.merged).toEqual({
        labelsKey: expect.stringMatching(new RegExp(`^${base}merged/[0-9a-f]{32}/labels\\.png$`)),
        segmentationKey: expect.stringMatching(new RegExp(`^${base}merged/[0-9a-f]{32}/segmentation\\.json$`)),
        regionId: 2,
      });
      expect(result.merged!.segmentationKey.replace('segmentation.json', 'labels.png')).toBe(result.merged!.labelsKey);
      // The automatic segmentation itself is untouched.
      expect(result.regionCount).toBe(2);
      expect((await table(result.segmentationKey)).regions.map((r) => r.id)).toEqual([0, 1]);

      const labels = await decodeGreyPng(await store.get(result.merged!.labelsKey));
      const mask = await decodeGreyPng(await store.get(result.maskKey!));
      expect([labels.width, labels.height]).toEqual([10, 6]);
      for (let i = 0; i < labels.data.length; i++) {
        const x = i % 10;
        expect(labels.data[i]).toBe(mask.data[i] >= 128 ? 2 : x < 5 ? 0 : 1);
      }
      expect(store.objects.get(result.merged!.labelsKey)?.contentType).toBe('image/png');

      const doc = await table(result.merged!.segmentationKey);
      expect(doc).toMatchObject({ format: 1, width: 10, height: 6, engine: 'embedded@7', contentHash: result.contentHash, labelsKey: result.merged!.labelsKey });
      expect(doc.regions.reduce((sum, r) => sum + r.area, 0)).toBe(60);
      expect(doc.regions.map((r) => [r.id, r.label, r.area])).toEqual([
        [0, 'left', 30 - 9],
        [1, 'right', 30 - 6],
        [2, 'boat', 15],
      ]);
      expect(doc.regions[2]).toMatchObject({ bbox: { x0: 2, y0: 1, x1: 7, y1: 4 }, centroid: { x: 4.5, y: 2.5 }, confidence: 1, engine: 'embedded@7+prompt' });
      // Every row of the table matches the raster.
      for (const r of doc.regions) {
        const xs: number[] = [], ys: number[] = [];
        labels.data.forEach((id, i) => id === r.id && (xs.push(i % 10), ys.push(Math.floor(i / 10))));
        expect(r.area, `region ${r.id}`).toBe(xs.length);
        expect(r.bbox, `region ${r.id}`).toEqual({ x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs) + 1, y1: Math.max(...ys) + 1 });
      }
    });

    it('drops a region the mask covers completely', async () => {
      const result = await service.segment({ ...job, prompt: { kind: 'label', word: 'right' }, merge: { label: 'water' } });
      const doc = await table(result.merged!.segmentationKey);
      expect(doc.regions.map((r) => [r.id, r.label, r.area])).toEqual([
        [0, 'left', 30],
        [2, 'water', 30],
      ]);
    });

    it('reuses a merged entry (cached, same bytes) and keys it by prompt and label', async () => {
      const first = await service.segment(merging);
      const bytes = [await store.get(first.merged!.labelsKey), await store.get(first.merged!.segmentationKey)];
      const puts = store.calls.put;
      const again = await service.segment(merging);
      expect(again).toEqual({ ...first, cached: true });
      expect(store.calls.put).toBe(puts);

      // Recomputed without the cache: the very same bytes at the same keys.
      const uncached = new SegmentService({ store, engines: { embedded: engine }, defaultEngine: 'embedded', maxPixels: 1_000_000, cache: false });
      expect(await uncached.segment(merging)).toEqual(first);
      expect([await store.get(first.merged!.labelsKey), await store.get(first.merged!.segmentationKey)]).toEqual(bytes);

      // Another label for the same box is another entry; the mask is reused.
      const renamed = await service.segment({ ...merging, merge: { label: 'ship' } });
      expect(renamed.merged!.labelsKey).not.toBe(first.merged!.labelsKey);
      expect(renamed.maskKey).toBe(first.maskKey);
      expect(renamed.cached).toBe(false);
    });

    it('merges from the cached segmentation and mask when only the merge is new', async () => {
      await service.segment({ ...job, prompt: box });
      const decoupled = await service.segment(merging);
      expect(engine.autoCalls).toBe(1);
      expect(engine.promptCalls).toBe(1);
      expect(decoupled.cached).toBe(false);
      const fresh = new MemoryObjectStore();
      await fresh.put(job.imageKey, await store.get(job.imageKey), 'image/png');
      const direct = await new SegmentService({ store: fresh, engines: { embedded: engine }, defaultEngine: 'embedded', maxPixels: 1_000_000 }).segment(merging);
      expect(await fresh.get(direct.merged!.labelsKey)).toEqual(await store.get(decoupled.merged!.labelsKey));
      expect(await fresh.get(direct.merged!.segmentationKey)).toEqual(await store.get(decoupled.merged!.segmentationKey));
    });

    it('a second object merges onto the first (merge.onto): both regions, the next free id', async () => {
      const first = await service.segment(merging);
      const second = await service.segment({ ...job, prompt: { kind: 'label', word: 'right' }, merge: { label: 'water', onto: first.merged!.segmentationKey } });
      expect(second.merged!.regionId).toBe(3);
      expect(second.merged!.labelsKey).not.toBe(first.merged!.labelsKey);
      const doc = await table(second.merged!.segmentationKey);
      // The boat keeps its pixels only where the second mask did not take them.
      expect(doc.regions.map((r) => r.label)).toEqual(expect.arrayContaining(['left', 'boat', 'water']));
      expect(doc.regions.find((r) => r.id === 3)).toMatchObject({ label: 'water', area: 30 });
      expect(doc.regions.reduce((sum, r) => sum + r.area, 0)).toBe(60);
      const labels = await decodeGreyPng(await store.get(second.merged!.labelsKey));
      const firstLabels = await decodeGreyPng(await store.get(first.merged!.labelsKey));
      for (let i = 0; i < labels.data.length; i++) expect(labels.data[i]).toBe(i % 10 >= 5 ? 3 : firstLabels.data[i]);
      // The same merge without `onto` is another entry (over the automatic segmentation).
      const alone = await service.segment({ ...job, prompt: { kind: 'label', word: 'right' }, merge: { label: 'water' } });
      expect(alone.merged!.segmentationKey).not.toBe(second.merged!.segmentationKey);
    });

    it('merge.onto that is not a merged segmentation of this image is invalid_payload', async () => {
      const first = await service.segment(merging);
      for (const onto of [first.segmentationKey, first.merged!.segmentationKey.replace(first.contentHash, 'f'.repeat(64))]) {
        expect(await failure(service.segment({ ...merging, merge: { label: 'ship', onto } }))).toMatchObject({ code: 'invalid_payload' });
      }
    });

    it('an empty mask is empty_mask (nothing merged)', async () => {
      const none: SegmentPrompt = { kind: 'points', points: [{ x: 1, y: 1, positive: false }] };
      expect(await failure(service.segment({ ...job, prompt: none, merge: { label: 'boat' } }))).toMatchObject({ code: 'empty_mask' });
      expect([...store.objects.keys()].some((k) => k.includes('/merged/'))).toBe(false);
      // Still empty_mask when the mask comes from the cache.
      expect(await failure(service.segment({ ...job, prompt: none, merge: { label: 'boat' } }))).toMatchObject({ code: 'empty_mask' });
    });

    it('no free id is too_many_regions', async () => {
      const crowded = new FakeSegmentationEngine({ version: '7' });
      crowded.segmentAuto = async (image) => {
        const labels = Uint8Array.from({ length: image.width * image.height }, (_, i) => i % 256);
        const regions = Array.from({ length: 256 }, (_, id) => ({ id, area: 1, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, centroid: { x: 0.5, y: 0.5 }, label: 'x', confidence: 1, engine: 'crowded@1' }));
        return { width: image.width, height: image.height, labels, regions, engine: 'crowded@1', unavailable: [] };
      };
      const full = new SegmentService({ store, engines: { embedded: crowded }, defaultEngine: 'embedded', maxPixels: 1_000_000 });
      expect(await failure(full.segment(merging))).toMatchObject({ code: 'too_many_regions' });
    });

    it('merge without a prompt is refused by the schema', () => {
      const parsed = SegmentJobSchema.safeParse({ ...job, merge: { label: 'boat' } });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain('merge');
    });
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
