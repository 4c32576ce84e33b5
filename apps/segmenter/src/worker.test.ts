/**
 * Integration tests of the `segment` worker against the real Redis on this machine and a
 * real S3-protocol server (s3rver, in-process on a random port over a temp directory).
 * Only the segmentation engine is a fake. Every test uses its own BullMQ key prefix.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DEFAULT_SEGMENT_JOB_OPTIONS, QUEUE_NAMES, SegmentResultSchema, SegmentationDocumentSchema, parseProblem, type SegmentJob } from '@pertouch/contracts';
import { decodeGreyPng } from '@pertouch/image-io';
import { MemoryObjectStore, S3ObjectStore } from '@pertouch/storage';
import { Queue, type Job } from 'bullmq';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeSegmentationEngine } from './fake-engine.js';
import { SegmentService } from './segment-service.js';
import { createSegmentWorker, processSegmentJob, type LogLine } from './worker.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const connection = { url: REDIS_URL };
const runId = randomUUID().slice(0, 8);

let s3rver: S3rver;
let s3dir: string;
let store: S3ObjectStore;

async function photo(width: number, height: number, shade: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: shade, g: 100, b: 50 } } }).jpeg().toBuffer();
}

async function upload(tenantId: string, name: string, bytes: Buffer): Promise<SegmentJob> {
  const imageKey = `tenants/${tenantId}/uploads/${name}`;
  await store.put(imageKey, bytes, 'image/jpeg');
  return { tenantId, imageId: name.replace(/\W/g, '-'), imageKey };
}

/** Waits until the job is completed or failed for good, and returns it as stored then. */
async function settled(job: Job, timeoutMs = 20_000): Promise<Job> {
  const queue = queues.get(job);
  if (!queue) throw new Error('job not added through add()');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return (await queue.getJob(job.id!))!;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${job.id} did not settle in ${timeoutMs} ms (state ${await job.getState()})`);
}
const queues = new WeakMap<Job, Queue>();

interface Harness {
  queue: Queue;
  engine: FakeSegmentationEngine;
  worker: ReturnType<typeof createSegmentWorker>;
  logs: LogLine[];
}
const harnesses: Harness[] = [];
let testNo = 0;

async function harness(options: { engine?: FakeSegmentationEngine; concurrency?: number } = {}): Promise<Harness> {
  const prefix = `pt-test-${runId}-${++testNo}`;
  const engine = options.engine ?? new FakeSegmentationEngine();
  const service = new SegmentService({ store, engines: { embedded: engine }, defaultEngine: 'embedded', maxPixels: 10_000_000 });
  const logs: LogLine[] = [];
  const queue = new Queue(QUEUE_NAMES.segment, { connection, prefix });
  const worker = createSegmentWorker({ connection, prefix, concurrency: options.concurrency ?? 1, service, log: (line) => logs.push(line) });
  await worker.waitUntilReady();
  const h = { queue, engine, worker, logs };
  harnesses.push(h);
  return h;
}

/** Adds a job with the producers' default options, but a 100 ms backoff to keep tests fast. */
async function add(queue: Queue, data: unknown, opts: Record<string, unknown> = {}): Promise<Job> {
  const job = await queue.add('segment', data, { ...DEFAULT_SEGMENT_JOB_OPTIONS, backoff: { type: 'exponential', delay: 100 }, ...opts });
  queues.set(job, queue);
  return job;
}

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), 'pertouch-s3rver-'));
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, directory: s3dir, silent: true });
  const { port } = await s3rver.run();
  store = new S3ObjectStore({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    bucket: 'pertouch-test',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await store.ensureBucket();
});

afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.worker.close();
    await h.queue.obliterate({ force: true });
    await h.queue.close();
  }
});

afterAll(async () => {
  store?.destroy();
  await s3rver?.close();
  if (s3dir) await rm(s3dir, { recursive: true, force: true });
});

describe('segment worker (real Redis + s3rver)', () => {
  it('completes a job and returns keys whose objects exist and decode', async () => {
    const { queue, logs } = await harness();
    const data = await upload('acme', 'one.jpg', await photo(12, 8, 10));
    const job = await settled(await add(queue, data));
    expect(job.failedReason).toBeFalsy();
    const result = SegmentResultSchema.parse(job.returnvalue);
    expect(result).toMatchObject({ cached: false, width: 12, height: 8, regionCount: 2, engine: 'embedded@fake-1' });
    for (const key of [result.segmentationKey, result.labelsKey]) {
      expect(key.startsWith('tenants/acme/')).toBe(true);
      expect(await store.exists(key)).toBe(true);
    }
    const labels = await decodeGreyPng(await store.get(result.labelsKey));
    expect([labels.width, labels.height]).toEqual([12, 8]);
    expect(Array.from(labels.data.slice(0, 12))).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    const doc = SegmentationDocumentSchema.parse(JSON.parse((await store.get(result.segmentationKey)).toString()));
    expect(doc.regions).toHaveLength(2);
    expect(doc.labelsKey).toBe(result.labelsKey);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'job.completed', jobId: job.id, tenantId: 'acme', imageId: 'one-jpg', cached: false }));
  });

  it('a merge job returns the merged keys, decodable like the labels; an empty mask fails empty_mask at once', async () => {
    const { queue, logs } = await harness();
    const data = await upload('acme', 'merge.jpg', await photo(12, 8, 30));
    const job = await settled(await add(queue, { ...data, prompt: { kind: 'box', box: { x0: 1, y0: 1, x1: 4, y1: 3 } }, merge: { label: 'boat' } }));
    expect(job.failedReason).toBeFalsy();
    const result = SegmentResultSchema.parse(job.returnvalue);
    expect(result.merged?.regionId).toBe(2);
    const labels = await decodeGreyPng(await store.get(result.merged!.labelsKey));
    expect(Array.from(labels.data.slice(12, 24))).toEqual([0, 2, 2, 2, 0, 0, 1, 1, 1, 1, 1, 1]);
    const doc = SegmentationDocumentSchema.parse(JSON.parse((await store.get(result.merged!.segmentationKey)).toString()));
    expect(doc.regions.find((r) => r.id === 2)).toMatchObject({ label: 'boat', area: 6 });
    expect(logs).toContainEqual(expect.objectContaining({ event: 'job.completed', mergedKey: result.merged!.segmentationKey }));

    const empty = await settled(await add(queue, { ...data, prompt: { kind: 'points', points: [{ x: 1, y: 1, positive: false }] }, merge: { label: 'boat' } }));
    expect(await empty.getState()).toBe('failed');
    expect(parseProblem(empty.failedReason)?.code).toBe('empty_mask');
    expect(empty.attemptsMade).toBe(1);
  });

  it('answers a second identical job from the cache without calling the engine', async () => {
    const { queue, engine } = await harness();
    const data = await upload('acme', 'twice.jpg', await photo(10, 10, 20));
    const first = await settled(await add(queue, data));
    const second = await settled(await add(queue, data));
    expect(first.returnvalue.cached).toBe(false);
    expect(second.returnvalue).toEqual({ ...first.returnvalue, cached: true });
    expect(engine.autoCalls).toBe(1);
  });

  it('fails a corrupt image unrecoverably (invalid_image, one attempt) and keeps working', async () => {
    const { queue, logs } = await harness();
    const jpeg = await photo(64, 64, 30);
    const corrupt = await upload('acme', 'corrupt.jpg', jpeg.subarray(0, jpeg.length >> 1));
    const bad = await settled(await add(queue, corrupt));
    expect(await bad.getState()).toBe('failed');
    expect(parseProblem(bad.failedReason)?.code).toBe('invalid_image');
    expect(bad.attemptsMade).toBe(1);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'job.failed', jobId: bad.id, code: 'invalid_image', willRetry: false }));

    const good = await settled(await add(queue, await upload('acme', 'after.jpg', await photo(8, 8, 40))));
    expect(await good.getState()).toBe('completed');
  });

  it('fails bad prompts and payloads with their codes, without retries', async () => {
    const { queue, engine } = await harness();
    const data = await upload('acme', 'prompts.jpg', await photo(10, 6, 50));
    const outside = await settled(await add(queue, { ...data, prompt: { kind: 'point', x: 10, y: 2 } }));
    expect(parseProblem(outside.failedReason)?.code).toBe('prompt_outside_image');
    expect(outside.attemptsMade).toBe(1);
    const unknown = await settled(await add(queue, { ...data, prompt: { kind: 'label', word: 'unicorn' } }));
    expect(parseProblem(unknown.failedReason)?.code).toBe('unknown_label');
    const foreign = await settled(await add(queue, { ...data, tenantId: 'globex' }));
    expect(parseProblem(foreign.failedReason)).toMatchObject({ code: 'invalid_payload', message: expect.stringMatching(/imageKey/) });
    expect(foreign.attemptsMade).toBe(1);
    const missing = await settled(await add(queue, { ...data, imageKey: 'tenants/acme/uploads/nope.jpg' }));
    expect(parseProblem(missing.failedReason)?.code).toBe('image_not_found');
    const prompted = await settled(await add(queue, { ...data, prompt: { kind: 'label', word: 'right' } }));
    expect(prompted.returnvalue.maskKey).toMatch(/^tenants\/acme\/.*\/masks\/[0-9a-f]{32}\.png$/);
    const mask = await decodeGreyPng(await store.get(prompted.returnvalue.maskKey));
    expect(Array.from(mask.data.slice(0, 10))).toEqual([0, 0, 0, 0, 0, 255, 255, 255, 255, 255]);
    expect(engine.autoCalls).toBe(1);
  });

  it('retries a transient engine error with backoff, then succeeds', async () => {
    const { queue, engine, logs } = await harness({ engine: new FakeSegmentationEngine({ failTimes: 1 }) });
    const job = await settled(await add(queue, await upload('acme', 'flaky.jpg', await photo(8, 8, 60))));
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(2);
    expect(engine.autoCalls).toBe(2);
    expect(engine.calls[1].start - engine.calls[0].end).toBeGreaterThanOrEqual(90);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'job.failed', code: 'internal', willRetry: true }));
  });

  it('fails for good after the producer’s attempts are used up', async () => {
    const { queue, engine } = await harness({ engine: new FakeSegmentationEngine({ failTimes: 99 }) });
    const job = await settled(await add(queue, await upload('acme', 'broken.jpg', await photo(8, 8, 70)), { attempts: 2 }));
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(2);
    expect(parseProblem(job.failedReason)).toBeUndefined();
    expect(engine.autoCalls).toBe(2);
  });

  it('graceful shutdown: close() lets the running job finish', async () => {
    const { queue, engine, worker } = await harness({ engine: new FakeSegmentationEngine({ delayMs: 800 }) });
    const job = await add(queue, await upload('acme', 'slow.jpg', await photo(8, 8, 80)));
    while (engine.calls.length === 0) await new Promise((r) => setTimeout(r, 10));
    const t0 = performance.now();
    await worker.close();
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThan(400);
    expect(engine.calls[0].end).toBeLessThanOrEqual(performance.now());
    expect(await job.getState()).toBe('completed');
    // A job added after close is left for another worker.
    const later = await add(queue, await upload('acme', 'later.jpg', await photo(8, 8, 90)));
    await new Promise((r) => setTimeout(r, 200));
    expect(await later.getState()).toBe('waiting');
  });

  it('concurrency 2 processes two jobs at once', async () => {
    const { queue, engine } = await harness({ engine: new FakeSegmentationEngine({ delayMs: 500 }), concurrency: 2 });
    const jobs = await Promise.all([
      add(queue, await upload('acme', 'c1.jpg', await photo(8, 8, 100))),
      add(queue, await upload('acme', 'c2.jpg', await photo(8, 8, 110))),
    ]);
    const t0 = performance.now();
    for (const job of jobs) expect(await (await settled(job)).getState()).toBe('completed');
    const elapsed = performance.now() - t0;
    const [a, b] = engine.calls;
    const overlap = Math.min(a.end, b.end) - Math.max(a.start, b.start);
    expect(overlap).toBeGreaterThan(300);
    expect(elapsed).toBeLessThan(1000);
  });

  it('concurrency 1 processes them one after the other', async () => {
    const { queue, engine } = await harness({ engine: new FakeSegmentationEngine({ delayMs: 200 }), concurrency: 1 });
    const jobs = [await add(queue, await upload('acme', 's1.jpg', await photo(8, 8, 120))), await add(queue, await upload('acme', 's2.jpg', await photo(8, 8, 130)))];
    for (const job of jobs) await settled(job);
    const [a, b] = engine.calls;
    expect(Math.min(a.end, b.end) - Math.max(a.start, b.start)).toBeLessThanOrEqual(0);
  });
});

describe('processSegmentJob', () => {
  it('turns bad payloads and input errors into UnrecoverableError with a [code]', async () => {
    const memory = new MemoryObjectStore();
    const service = new SegmentService({ store: memory, engines: { embedded: new FakeSegmentationEngine() }, defaultEngine: 'embedded', maxPixels: 100 });
    for (const [payload, code] of [
      [{ tenantId: 'acme' }, 'invalid_payload'],
      [null, 'invalid_payload'],
      [{ tenantId: 'acme', imageId: 'x', imageKey: 'tenants/acme/x.jpg' }, 'image_not_found'],
      [{ tenantId: 'acme', imageId: 'x', imageKey: 'tenants/acme/x.jpg', merge: { label: 'boat' } }, 'invalid_payload'],
    ] as const) {
      const error = await processSegmentJob(service, payload).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('UnrecoverableError');
      expect(parseProblem((error as Error).message)?.code).toBe(code);
    }
  });

  it('rethrows other errors untouched (so BullMQ retries them)', async () => {
    const boom = new Error('S3 is down');
    const error = await processSegmentJob({ segment: () => Promise.reject(boom) }, { tenantId: 'acme', imageId: 'x', imageKey: 'tenants/acme/x.jpg' }).catch((e: unknown) => e);
    expect(error).toBe(boom);
  });
});
