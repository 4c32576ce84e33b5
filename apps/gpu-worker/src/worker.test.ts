/**
 * The render worker against the real Redis (a unique BullMQ prefix for this file,
 * obliterated afterwards), the real embedded renderer and libs/storage's memory store.
 * The photo is a real sample (samples/, licensed) with its shipped two-region mask.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  AnalyseResultSchema,
  DEFAULT_RENDER_JOB_OPTIONS,
  RenderReportDocumentSchema,
  RenderResultSchema,
  objectKeys,
  parseProblem,
  pipelineJobIds,
  previewSize,
  newId,
  type AnalyseJob,
  type RenderJob,
} from '@pertouch/contracts';
import { DEFAULT_CALIBRATION } from '@pertouch/imaging';
import { EMBEDDED_DIMENSION, EMBEDDED_FEATURE_KIND, describeImage } from '@pertouch/memory';
import { MemoryObjectStore } from '@pertouch/storage';
import { Queue } from 'bullmq';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { EmbeddedRenderEngine } from './embedded-engine.js';
import { EngineRegistry, type RenderEngine } from './engine.js';
import { settled } from './testing/settled.js';
import { startWorkerOnQueue, type WorkerOnQueue } from './testing/worker-on-queue.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SAMPLE = 'sunset_by_Aitzol_Berasategi';
const prefix = `pt-gpu-test-${randomUUID().slice(0, 8)}`;
const tenantId = 'acme';
const imageId = newId('image');
const renderJobId = newId('job');
const imageKey = objectKeys.original(tenantId, imageId);
const labelsKey = `tenants/${tenantId}/segmentations/test/labels.png`;

let store: MemoryObjectStore;
let queue: Queue;
let onQueue: WorkerOnQueue | undefined;
let size: { width: number; height: number };
let jobNo = 0;

/** Counts each engine's renders; the second engine is installed but reports itself unavailable. */
class CountingEngine implements RenderEngine {
  readonly name = 'embedded' as const;
  readonly version = '1';
  renders = 0;
  private readonly inner = new EmbeddedRenderEngine({ table: DEFAULT_CALIBRATION, threads: 1 });
  available = async () => true;
  render: RenderEngine['render'] = (...args) => {
    this.renders++;
    return this.inner.render(...args);
  };
}
const embedded = new CountingEngine();
const offline: RenderEngine = { name: 'diffusion', version: 'test', available: async () => false, render: () => Promise.reject(new Error('never called')) };


const add = (name: 'analyse' | 'render', data: unknown) =>
  queue.add(name, data, { ...DEFAULT_RENDER_JOB_OPTIONS, backoff: { type: 'fixed', delay: 50 }, jobId: `${name}-test-${++jobNo}` });

function renderJob(overrides: Partial<RenderJob> = {}): RenderJob {
  const jobId = renderJobId;
  return {
    tenantId,
    jobId,
    round: 1,
    imageKey,
    labelsKey,
    targets: [{ id: 1, values: { brightness: 0.4, colorfulness: -0.2 } }],
    output: { format: 'jpeg', quality: 85 },
    engine: 'embedded',
    outputKey: objectKeys.round(tenantId, imageId, jobId, 1, 'jpg'),
    reportKey: objectKeys.roundReport(tenantId, imageId, jobId, 1),
    ...overrides,
  };
}

beforeAll(async () => {
  store = new MemoryObjectStore();
  const photo = await sharp(path.join(ROOT, 'samples', `${SAMPLE}.jpg`)).resize(360, 360, { fit: 'inside' }).jpeg({ quality: 92 }).toBuffer({ resolveWithObject: true });
  size = { width: photo.info.width, height: photo.info.height };
  const labels = await sharp(path.join(ROOT, 'samples', 'masks', `${SAMPLE}.png`)).extractChannel(0).resize(size.width, size.height, { fit: 'fill', kernel: 'nearest' }).png().toBuffer();
  await store.put(imageKey, photo.data, 'image/jpeg');
  await store.put(labelsKey, labels, 'image/png');
  const config = { ...loadConfig({ PERTOUCH_QUEUE_PREFIX: prefix }), threads: 1 };
  onQueue = await startWorkerOnQueue(config, { store, engines: [embedded, offline] });
  queue = onQueue.queue;
});

afterAll(async () => {
  await onQueue?.close();
});

describe('gpu-worker on queue render (real Redis, real renderer)', () => {
  it('analyse: the as-shot map of every region under the label raster', async () => {
    const job = await settled(queue, await add('analyse', { tenantId, jobId: newId('job'), imageKey, labelsKey } satisfies AnalyseJob));
    expect(job.failedReason).toBeFalsy();
    const result = AnalyseResultSchema.parse(job.returnvalue);
    expect([result.width, result.height]).toEqual([size.width, size.height]);
    expect(result.regions.map((r) => r.id)).toEqual([0, 1]);
    expect(result.regions.reduce((sum, r) => sum + r.area, 0)).toBeCloseTo(1, 6);
    for (const r of result.regions) {
      expect(Object.keys(r.values).sort()).toEqual(['brightness', 'colorfulness', 'contrast', 'temperature']);
      for (const v of Object.values(r.values)) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    }
    // The whole image lies between its regions (its scores are statistics over both).
    for (const a of ['brightness', 'colorfulness'] as const) {
      const values = result.regions.map((r) => r.values[a]);
      expect(result.whole[a]).toBeGreaterThanOrEqual(Math.min(...values) - 0.05);
      expect(result.whole[a]).toBeLessThanOrEqual(Math.max(...values) + 0.05);
    }
    // Without a segmentation document there is no scene descriptor.
    expect(result.scene).toBeUndefined();
    expect(result.preview).toBeUndefined();
  });

  it('analyse with a previewKey: the result names the JPEG preview, stored at previewSize', async () => {
    const previewKey = objectKeys.preview(tenantId, imageId);
    const job = await settled(queue, await add('analyse', { tenantId, jobId: newId('job'), imageKey, labelsKey, previewKey } satisfies AnalyseJob));
    expect(job.failedReason).toBeFalsy();
    const { preview } = AnalyseResultSchema.parse(job.returnvalue);
    expect(preview).toEqual({ key: previewKey, ...previewSize(size.width, size.height) });
    const meta = await sharp(await store.get(previewKey)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', preview!.width, preview!.height]);
  });

  it('analyse with the segmentation document: the scene descriptor of libs/memory (unit length, the region labels)', async () => {
    const segmentationKey = `tenants/${tenantId}/segmentations/test/segmentation.json`;
    const region = (id: number, label: string) => ({ id, area: 1, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, centroid: { x: 0, y: 0 }, label, confidence: 1, engine: 'test' });
    const document = { format: 1, width: size.width, height: size.height, engine: 'test', contentHash: '0'.repeat(64), labelsKey, regions: [region(0, 'sky'), region(1, 'ground')], unavailable: [] };
    await store.put(segmentationKey, Buffer.from(JSON.stringify(document)), 'application/json');
    const job = await settled(queue, await add('analyse', { tenantId, jobId: newId('job'), imageKey, labelsKey, segmentationKey } satisfies AnalyseJob));
    expect(job.failedReason).toBeFalsy();
    const { scene } = AnalyseResultSchema.parse(job.returnvalue);
    expect(scene).toMatchObject({ kind: EMBEDDED_FEATURE_KIND, labels: ['ground', 'sky'] });
    expect(scene!.vector).toHaveLength(EMBEDDED_DIMENSION);
    expect(Math.hypot(...scene!.vector)).toBeCloseTo(1, 5);
    // The same descriptor libs/memory computes from the decoded photo.
    const photo = await store.get(imageKey);
    const { data, info } = await sharp(photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const labels = await sharp(await store.get(labelsKey)).extractChannel(0).raw().toBuffer();
    const direct = describeImage({ width: info.width, height: info.height, data: new Uint8Array(data) }, { width: info.width, height: info.height, labels: new Uint8Array(labels), regions: document.regions });
    const cosine = scene!.vector.reduce((sum, v, i) => sum + v * direct.vector[i], 0);
    expect(cosine).toBeGreaterThan(0.99);

    // A key outside the tenant is refused like any other.
    const foreign = await settled(queue, await add('analyse', { tenantId, jobId: newId('job'), imageKey, labelsKey, segmentationKey: 'tenants/other/x.json' } satisfies AnalyseJob));
    expect(parseProblem(foreign.failedReason)?.code).toBe('invalid_payload');
  });

  it('render: writes the image and then its report; the target is reached, the other region untouched', async () => {
    const data = renderJob();
    const job = await settled(queue, await add('render', data));
    expect(job.failedReason).toBeFalsy();
    const result = RenderResultSchema.parse(job.returnvalue);
    expect(result).toMatchObject({ outputKey: data.outputKey, reportKey: data.reportKey, width: size.width, height: size.height, format: 'jpeg', reused: false, engine: 'embedded@1' });
    const output = await store.get(data.outputKey);
    expect(result.bytes).toBe(output.length);
    const meta = await sharp(output).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', size.width, size.height]);
    const report = RenderReportDocumentSchema.parse(JSON.parse((await store.get(data.reportKey)).toString()));
    const [sky, ground] = [report.regions.find((r) => r.id === 0)!, report.regions.find((r) => r.id === 1)!];
    expect(sky.edited).toBe(false);
    expect(ground.edited).toBe(true);
    expect(ground.target.brightness).toBe(0.4);
    expect(Math.abs(ground.achieved.brightness - 0.4)).toBeLessThan(0.1);
    expect(ground.achieved.colorfulness).toBeLessThan(ground.asShot.colorfulness);
    expect(job.progress).toBe(100);
  });

  it('a re-delivered round finds its outputs and writes nothing (reused)', async () => {
    const data = renderJob({ round: 2, outputKey: objectKeys.round(tenantId, imageId, renderJobId, 2, 'png'), reportKey: objectKeys.roundReport(tenantId, imageId, renderJobId, 2), output: { format: 'png', quality: 90 } });
    const first = await settled(queue, await add('render', data));
    expect(first.returnvalue.reused).toBe(false);
    const renders = embedded.renders;
    const puts = store.calls.put;
    const again = await settled(queue, await add('render', data));
    expect(again.returnvalue).toEqual({ ...first.returnvalue, reused: true });
    expect(embedded.renders).toBe(renders);
    expect(store.calls.put).toBe(puts);
  });

  it('fails bad input at once with a code: missing or corrupt image, missing labels, foreign keys, bad payload', async () => {
    const corruptKey = objectKeys.original(tenantId, newId('image'));
    await store.put(corruptKey, (await store.get(imageKey)).subarray(0, 600), 'image/jpeg');
    const cases: [string, 'analyse' | 'render', unknown, string][] = [
      ['missing image', 'render', renderJob({ round: 9, imageKey: objectKeys.original(tenantId, newId('image')), outputKey: objectKeys.round(tenantId, imageId, renderJobId, 9, 'jpg'), reportKey: objectKeys.roundReport(tenantId, imageId, renderJobId, 9) }), 'image_not_found'],
      ['corrupt image', 'analyse', { tenantId, jobId: newId('job'), imageKey: corruptKey, labelsKey }, 'invalid_image'],
      ['missing labels', 'analyse', { tenantId, jobId: newId('job'), imageKey, labelsKey: `tenants/${tenantId}/nope.png` }, 'segmentation_failed'],
      ['another tenant', 'render', renderJob({ outputKey: 'tenants/globex/out.jpg' }), 'invalid_payload'],
      ['preview in another tenant', 'analyse', { tenantId, jobId: newId('job'), imageKey, labelsKey, previewKey: 'tenants/globex/preview.jpg' }, 'invalid_payload'],
      ['bad payload', 'render', { tenantId }, 'invalid_payload'],
    ];
    for (const [what, name, data, code] of cases) {
      const job = await settled(queue, await add(name, data));
      expect(await job.getState(), what).toBe('failed');
      expect(parseProblem(job.failedReason)?.code, what).toBe(code);
      expect(job.attemptsMade, what).toBe(1);
    }
  });

  it('an engine that is not installed, or not available, fails engine_unavailable without retries', async () => {
    const unavailable = await settled(queue, await add('render', renderJob({ engine: 'diffusion' })));
    expect(parseProblem(unavailable.failedReason)).toMatchObject({ code: 'engine_unavailable', message: expect.stringContaining('not available') });
    expect(unavailable.attemptsMade).toBe(1);

    const error = await new EngineRegistry([new EmbeddedRenderEngine({ table: DEFAULT_CALIBRATION, threads: 1 })]).require('diffusion').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'engine_unavailable', message: expect.stringContaining('not installed') });
  });

  it('a transient storage error is retried with backoff, then the job completes', async () => {
    const flaky = new MemoryObjectStore();
    for (const [key, object] of store.objects) await flaky.put(key, object.body, object.contentType);
    let failures = 1;
    const get = flaky.get.bind(flaky);
    flaky.get = async (key: string) => (failures-- > 0 ? Promise.reject(new Error('ECONNRESET')) : get(key));
    const flakyPrefix = `${prefix}-flaky`;
    const other = await startWorkerOnQueue({ ...loadConfig({ PERTOUCH_QUEUE_PREFIX: flakyPrefix }), threads: 1 }, { store: flaky });
    const otherQueue = other.queue;
    try {
      const flakyJob = newId('job');
      const job = await otherQueue.add('analyse', { tenantId, jobId: flakyJob, imageKey, labelsKey }, { ...DEFAULT_RENDER_JOB_OPTIONS, backoff: { type: 'fixed', delay: 50 }, jobId: pipelineJobIds.analyse(flakyJob) });
      let state = await job.getState();
      for (let i = 0; i < 400 && state !== 'completed' && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        state = await job.getState();
      }
      const done = (await otherQueue.getJob(job.id!))!;
      expect(state).toBe('completed');
      expect(done.attemptsMade).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('close() stops taking jobs and lets the active render finish first (graceful shutdown)', async () => {
    const slowPrefix = `${prefix}-slow`;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const inner = new EmbeddedRenderEngine({ table: DEFAULT_CALIBRATION, threads: 1 });
    const slow: RenderEngine = {
      name: 'embedded',
      version: '1',
      available: async () => true,
      render: async (...args) => {
        started();
        await new Promise((r) => setTimeout(r, 600));
        return inner.render(...args);
      },
    };
    const other = await startWorkerOnQueue({ ...loadConfig({ PERTOUCH_QUEUE_PREFIX: slowPrefix }), threads: 1 }, { store, engines: [slow] });
    const otherQueue = other.queue;
    try {
      const keys = (n: number) => ({ round: n, outputKey: objectKeys.round(tenantId, imageId, renderJobId, n, 'jpg'), reportKey: objectKeys.roundReport(tenantId, imageId, renderJobId, n) });
      const job = await otherQueue.add('render', renderJob(keys(5)), { ...DEFAULT_RENDER_JOB_OPTIONS, jobId: pipelineJobIds.render(renderJobId, 5) });
      await running;
      const t0 = performance.now();
      await other.app.close();
      expect(performance.now() - t0).toBeGreaterThan(300);
      expect(await job.getState()).toBe('completed');
      const later = await otherQueue.add('render', renderJob(keys(6)), { ...DEFAULT_RENDER_JOB_OPTIONS, jobId: pipelineJobIds.render(renderJobId, 6) });
      await new Promise((r) => setTimeout(r, 200));
      expect(await later.getState()).toBe('waiting');
    } finally {
      await other.close();
    }
  });
});
