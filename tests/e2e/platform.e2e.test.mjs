/**
 * End to end: the four apps as separate processes (scripts/stack/launcher.mjs) against
 * the real Redis and PostgreSQL on this machine and filesystem storage, driven only
 * through HTTP. Issue 4's "Tests": upload → job → SSE progress → result; a batch of 20
 * with verified webhooks; idempotency; kill -9 of the gpu-worker under load.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../scripts/stack/client.mjs';
import { startScratchStack } from '../../scripts/stack/scratch.mjs';
import { startWebhookReceiver } from '../../scripts/stack/webhook-receiver.mjs';
import { testPhotos } from './photos.mjs';

let stack;
let receiver;
let api;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  stack = await startScratchStack({
    name: 'e2e',
    // A killed gpu-worker's job must come back quickly: short locks, frequent stall checks.
    appEnv: { 'gpu-worker': { GPU_WORKER_LOCK_DURATION_MS: '5000', GPU_WORKER_STALLED_INTERVAL_MS: '2000' } },
  });
  // Ten jobs polled at once stay under the rate limit (the client also honours Retry-After).
  const tenant = await stack.tenant('e2e-main', ['--max-running', '8', '--rate-limit', '100000']);
  api = apiClient(stack.baseUrl, tenant.key);
  const endpoint = await api.createWebhookEndpoint({ url: `${receiver.url}/hooks` });
  receiver.trust(endpoint.secret);
}, 180_000);

afterAll(async () => {
  await stack?.destroy();
  await receiver?.close();
}, 60_000);

describe('one photo through the API', () => {
  it('upload → auto job → progress over SSE → result at full size', async () => {
    const [photo] = await testPhotos(1);
    const image = await api.uploadImage(photo.bytes);
    const meta = await sharp(photo.bytes).metadata();
    expect(image).toMatchObject({ object: 'image', width: meta.width, height: meta.height, format: 'jpeg' });

    const created = await api.createJob({ imageId: image.id, auto: true });
    expect(created).toMatchObject({ object: 'job', imageId: image.id });
    expect(['queued', 'running']).toContain(created.state);

    const events = await api.events(created.id);
    const stages = events.map((e) => e.data.stage);
    expect(stages.indexOf('segment')).toBeGreaterThanOrEqual(0);
    expect(stages.indexOf('render')).toBeGreaterThan(stages.indexOf('segment'));
    expect(events.at(-1).data.state).toBe('succeeded');
    const progress = events.map((e) => e.data.progress);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));

    const job = await api.getJob(created.id);
    expect(job.state).toBe('succeeded');
    expect(job.rounds).toHaveLength(1);
    expect(job.rounds[0].report).toBeTruthy();
    const result = await api.result(job.id);
    const out = await sharp(result).metadata();
    expect(out).toMatchObject({ format: 'jpeg', width: meta.width, height: meta.height });
    expect(Buffer.compare(result, photo.bytes)).not.toBe(0);
  });

  it('replays an idempotency key with the same job, and refuses it for another body', async () => {
    const [photo] = await testPhotos(1);
    const image = await api.uploadImage(photo.bytes);
    const key = `idem-${Date.now()}`;
    const first = await api.request('POST', '/v1/jobs', { body: { imageId: image.id, map: { global: { brightness: 0.2 } } }, headers: { 'idempotency-key': key } });
    const again = await api.request('POST', '/v1/jobs', { body: { imageId: image.id, map: { global: { brightness: 0.2 } } }, headers: { 'idempotency-key': key } });
    expect(again.body.id).toBe(first.body.id);
    const other = await api.request('POST', '/v1/jobs', { body: { imageId: image.id, map: { global: { brightness: 0.3 } } }, headers: { 'idempotency-key': key }, raw: true });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await other.json()).code).toBe('idempotency_key_reused');
    expect((await api.waitForJob(first.body.id)).state).toBe('succeeded');
  });
});

describe('a batch of 20', () => {
  it('finishes every job and announces it with signed webhooks', async () => {
    const photos = await testPhotos(20, 0.5);
    const images = [];
    for (const photo of photos) images.push(await api.uploadImage(photo.bytes));
    const batch = await api.createBatch({ imageIds: images.map((i) => i.id), auto: true });
    expect(batch).toMatchObject({ object: 'batch', total: 20 });

    await receiver.waitFor((ds) => ds.some((d) => d.payload.type === 'batch.completed' && d.payload.data.id === batch.id), 600_000);
    const done = await api.getBatch(batch.id);
    expect(done).toMatchObject({ state: 'completed', progress: 1, counts: { succeeded: 20, failed: 0, cancelled: 0, queued: 0, running: 0 } });

    const jobIds = new Set(done.jobIds);
    const jobHooks = receiver.deliveries.filter((d) => d.payload.type === 'job.succeeded' && jobIds.has(d.payload.data.id));
    expect(new Set(jobHooks.map((d) => d.payload.data.id)).size).toBe(20);
    const batchHooks = receiver.deliveries.filter((d) => d.payload.type === 'batch.completed' && d.payload.data.id === batch.id);
    expect(batchHooks).toHaveLength(1);
    for (const d of [...jobHooks, ...batchHooks]) expect(d.verified).toBe(true);
  });
});

describe('failure', () => {
  it('kill -9 of the gpu-worker while 10 jobs run: all 10 succeed, each result written once', async () => {
    const photos = await testPhotos(10);
    const images = [];
    for (const photo of photos) images.push(await api.uploadImage(photo.bytes));
    const jobs = [];
    for (const image of images) jobs.push(await api.createJob({ imageId: image.id, auto: true }));

    // Wait until a render is under way, then kill the renderer without warning.
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const states = await Promise.all(jobs.map((j) => api.getJob(j.id)));
      if (states.some((j) => j.stage === 'render')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await stack.kill('gpu-worker');
    await new Promise((r) => setTimeout(r, 1000));
    await stack.restart('gpu-worker');

    const finished = await Promise.all(jobs.map((j) => api.waitForJob(j.id, { timeoutMs: 300_000 })));
    for (const job of finished) {
      expect(job.state, `${job.id}: ${job.error?.code} ${job.error?.message}`).toBe('succeeded');
      expect(job.rounds).toHaveLength(1);
    }
    // "Written once": the gpu-worker logs one `round.written` line per round it stores (the report, written last, commits a round).
    const log = await readFile(path.join(stack.logDir, 'gpu-worker.log'), 'utf8');
    for (const job of finished) {
      const writes = log.split('\n').filter((line) => line.includes('"round.written"') && line.includes(job.id));
      expect(writes.length, job.id).toBe(1);
    }
  });
});
