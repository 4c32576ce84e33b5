/**
 * A `render` job with `engine: "diffusion"` through the real BullMQ queue (real Redis, a
 * unique prefix, obliterated afterwards), on a worker configured from the environment
 * alone (PERTOUCH_DIFFUSION_DIR → the tiny generated model set, CPU): the result has the
 * original's full resolution, progress arrives step by step, and /readyz reports the
 * engines and their provider.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DiffusionError, DiffusionPipeline, type LoadModelSetOptions } from '@pertouch/diffusion';
import { DEFAULT_CALIBRATION } from '@pertouch/imaging';
import { DEFAULT_RENDER_JOB_OPTIONS, QUEUE_NAMES, RenderReportDocumentSchema, RenderResultSchema, newId, objectKeys, type RenderJob } from '@pertouch/contracts';
import { MemoryObjectStore } from '@pertouch/storage';
import { Queue, QueueEvents } from 'bullmq';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModelSet, type TinyModelSet } from '../../../libs/diffusion/src/testing/tiny-models.js';
import { startGpuWorker, type GpuWorker } from './app.js';
import { loadConfig } from './config.js';
import { DiffusionRenderEngine, type DiffusionRenderer } from './diffusion-engine.js';
import type { LogLine } from './worker.js';
import { settled } from './testing/settled.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SAMPLE = 'sunset_by_Aitzol_Berasategi';
const STEPS = 8;
const prefix = `pt-gpu-diffusion-${randomUUID().slice(0, 8)}`;
const tenantId = 'acme';
const imageId = newId('image');
const imageKey = objectKeys.original(tenantId, imageId);
const labelsKey = `tenants/${tenantId}/segmentations/diffusion/labels.png`;

let models: TinyModelSet;
let store: MemoryObjectStore;
let app: GpuWorker;
let queue: Queue;
let events: QueueEvents;
let healthPort: number;
let size: { width: number; height: number };
const logs: LogLine[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}


beforeAll(async () => {
  models = writeTinyModelSet({ precisions: ['fp32'] });
  store = new MemoryObjectStore();
  const photo = await sharp(path.join(ROOT, 'samples', `${SAMPLE}.jpg`)).toBuffer({ resolveWithObject: true }); // the 12.2 MP original as is
  size = { width: photo.info.width, height: photo.info.height };
  await store.put(imageKey, photo.data, 'image/jpeg');
  await store.put(labelsKey, await sharp(path.join(ROOT, 'samples', 'masks', `${SAMPLE}.png`)).extractChannel(0).png().toBuffer(), 'image/png');
  healthPort = await freePort();
  const config = loadConfig({
    PERTOUCH_QUEUE_PREFIX: prefix,
    PERTOUCH_THREADS: '2', // the 12 MP transfer on two worker threads
    PERTOUCH_DIFFUSION_DIR: models.dir,
    PERTOUCH_DIFFUSION_PROVIDER: 'cpu',
    PERTOUCH_DIFFUSION_STEPS: String(STEPS),
    PERTOUCH_DIFFUSION_THREADS: '1',
    GPU_WORKER_HEALTH_PORT: String(healthPort),
  });
  app = startGpuWorker(config, { store, log: (line) => logs.push(line) });
  queue = new Queue(QUEUE_NAMES.render, { connection: { url: config.redisUrl }, prefix });
  events = new QueueEvents(QUEUE_NAMES.render, { connection: { url: config.redisUrl }, prefix });
  await Promise.all([app.worker.waitUntilReady(), events.waitUntilReady()]);
});

afterAll(async () => {
  await app?.close();
  await events?.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  models?.remove();
});

describe('gpu-worker with the diffusion engine (real Redis, tiny models on the CPU)', () => {
  it('registers the diffusion engine from PERTOUCH_DIFFUSION_DIR and /readyz reports it loaded on the CPU', async () => {
    expect(app.engines.names()).toEqual(['embedded', 'diffusion']);
    let response: Response | undefined;
    for (let i = 0; i < 200; i++) {
      response = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
      if (response.status === 200) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(response?.status).toBe(200);
    const body = (await response!.json()) as { status: string; engines: Record<string, unknown>[] };
    expect(body.status).toBe('ready');
    expect(body.engines).toEqual([
      expect.objectContaining({ name: 'embedded', state: 'ready' }),
      expect.objectContaining({ name: 'diffusion', state: 'ready', provider: 'cpu', precision: 'fp32', steps: STEPS }),
    ]);
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'diffusion.loaded', provider: 'cpu' }));
  });

  it('a render job with engine "diffusion": a full-resolution result, its report, and progress step by step', async () => {
    const jobId = newId('job');
    const data: RenderJob = {
      tenantId,
      jobId,
      round: 1,
      imageKey,
      labelsKey,
      targets: [{ id: 1, values: { temperature: -0.5, colorfulness: 0.4 } }, { id: 0, values: { brightness: 0.3 } }],
      output: { format: 'jpeg', quality: 90 },
      engine: 'diffusion',
      outputKey: objectKeys.round(tenantId, imageId, jobId, 1, 'jpg'),
      reportKey: objectKeys.roundReport(tenantId, imageId, jobId, 1),
    };
    const progress: number[] = [];
    const queueJobId = `render-${jobId}-1`;
    const onProgress = ({ jobId: id, data: value }: { jobId: string; data: unknown }) => {
      if (id === queueJobId && typeof value === 'number') progress.push(value);
    };
    events.on('progress', onProgress);
    try {
      const job = await settled(queue, await queue.add('render', data, { ...DEFAULT_RENDER_JOB_OPTIONS, jobId: queueJobId }), 60_000);
      expect(job.failedReason).toBeFalsy();
      const result = RenderResultSchema.parse(job.returnvalue);
      expect(result).toMatchObject({ engine: 'diffusion@1', width: size.width, height: size.height, format: 'jpeg', reused: false });
      const meta = await sharp(await store.get(data.outputKey)).metadata();
      expect([meta.width, meta.height]).toEqual([size.width, size.height]);
      const report = RenderReportDocumentSchema.parse(JSON.parse((await store.get(data.reportKey)).toString()));
      expect(report.engine).toBe('diffusion@1');
      const sky = report.regions.find((r) => r.id === 1)!;
      expect(sky).toMatchObject({ edited: true, target: expect.objectContaining({ temperature: -0.5 }) });
      expect(sky.achieved.temperature).toBeLessThan(sky.asShot.temperature);
      // Progress events arrive before completion: one per DDIM step between decoding (10 %) and encoding (90 %).
      await new Promise((r) => setTimeout(r, 100));
      const during = [...new Set(progress.filter((p) => p > 10 && p < 90))];
      expect(during.length).toBeGreaterThanOrEqual(STEPS - 1);
      expect(during).toEqual([...during].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(100);
    } finally {
      events.off('progress', onProgress);
    }
    expect(logs).toContainEqual(expect.objectContaining({ event: 'diffusion.rendered', steps: STEPS, transferThreads: 2 }));
  });

  it('a device out-of-memory fails the attempt, not the worker: BullMQ retries and the job completes', async () => {
    const oomPrefix = `${prefix}-oom`;
    let failures = 1;
    const load = async (o: LoadModelSetOptions): Promise<DiffusionRenderer> => {
      const real = await DiffusionPipeline.load(o);
      return {
        get info() {
          return real.info;
        },
        get isReleased() {
          return real.isReleased;
        },
        release: () => real.release(),
        denoise: async (...args: Parameters<DiffusionPipeline['denoise']>) => {
          if (failures-- > 0) {
            await real.release();
            throw new DiffusionError('out_of_memory', 'unet ran out of device memory: CUDA failure 2: out of memory');
          }
          return real.denoise(...args);
        },
      };
    };
    const oomLogs: LogLine[] = [];
    const diffusion = new DiffusionRenderEngine({ dir: models.dir, provider: 'cpu', precision: 'fp32', steps: 3, seed: 42, threads: 1, table: DEFAULT_CALIBRATION, loadPipeline: load, log: (l) => oomLogs.push(l) });
    const other = startGpuWorker({ ...loadConfig({ PERTOUCH_QUEUE_PREFIX: oomPrefix }), threads: 1 }, { store, engines: [diffusion], log: (l) => oomLogs.push(l) });
    const otherQueue = new Queue(QUEUE_NAMES.render, { connection: { url: 'redis://127.0.0.1:6379' }, prefix: oomPrefix });
    try {
      const jobId = newId('job');
      const data: RenderJob = {
        tenantId, jobId, round: 1, imageKey, labelsKey,
        targets: [{ id: 0, values: { brightness: 0.3 } }],
        output: { format: 'jpeg', quality: 80 },
        engine: 'diffusion',
        outputKey: objectKeys.round(tenantId, imageId, jobId, 1, 'jpg'),
        reportKey: objectKeys.roundReport(tenantId, imageId, jobId, 1),
      };
      const added = await otherQueue.add('render', data, { ...DEFAULT_RENDER_JOB_OPTIONS, backoff: { type: 'fixed', delay: 50 }, jobId: `render-${jobId}-1` });
      let state = await added.getState();
      for (let i = 0; i < 2400 && state !== 'completed' && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        state = await added.getState();
      }
      const done = (await otherQueue.getJob(added.id!))!;
      expect(state).toBe('completed');
      expect(done.attemptsMade).toBe(2);
      expect(diffusion.loads).toBe(2);
      expect(oomLogs).toContainEqual(expect.objectContaining({ event: 'job.failed', willRetry: true, error: expect.stringContaining('device out of memory') }));
      expect(oomLogs).toContainEqual(expect.objectContaining({ event: 'diffusion.out_of_memory' }));
    } finally {
      await other.close();
      await otherQueue.obliterate({ force: true });
      await otherQueue.close();
    }
  });
});
