/**
 * Test support (not part of the build): the whole pipeline in one process, every component
 * real — Redis (a unique BullMQ prefix, obliterated on close), a scratch Postgres
 * (libs/db, migrated, pgvector included), libs/storage's memory store, the segmenter's
 * worker, the gpu-worker with the embedded renderer, and the agent. Tests play the
 * gateway: they create job rows and enqueue `{ tenantId, jobId }` on queue `agent` with
 * BullMQ job id = job id.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_AGENT_JOB_OPTIONS,
  QUEUE_NAMES,
  RenderReportDocumentSchema,
  SegmentationDocumentSchema,
  newId,
  jobEventsChannel,
  objectKeys,
  type JobEvent,
  type RenderReportDocument,
  type SegmentationDocument,
} from '@pertouch/contracts';
import { createScratchDatabase, type Database, type JobRecord, type ScratchDatabase, type TenantRecord } from '@pertouch/db';
import { createEmbeddedEngine, type SegmentationEngine } from '@pertouch/segmentation';
import { MemoryObjectStore, type ObjectStore } from '@pertouch/storage';
import { generateSecret } from '@pertouch/webhooks';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { startGpuWorker, type GpuWorker } from '../../../gpu-worker/src/app.js';
import { loadConfig as loadGpuConfig } from '../../../gpu-worker/src/config.js';
import { startSegmenter, type Segmenter } from '../../../segmenter/src/app.js';
import { loadConfig as loadSegmenterConfig } from '../../../segmenter/src/config.js';
import { startAgent, type Agent, type AgentPorts } from '../app.js';
import { loadConfig } from '../config.js';
import type { LogLine } from '../log.js';
import type { AgentOutcome } from '../orchestrator.js';
import type { RenderEngine } from '../../../gpu-worker/src/engine.js';
import type { MemoryRepository } from '@pertouch/memory';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Hop options with a short backoff. */
export const FAST = { attempts: 3, backoff: { type: 'fixed' as const, delay: 100 }, removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: { age: 3600, count: 1000 } };

export interface Photo {
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
}

/** A sample photo (samples/), reduced to fit `longSide` and re-encoded as JPEG. */
export async function samplePhoto(file: string, longSide: number): Promise<Photo> {
  const { data, info } = await sharp(path.join(ROOT, 'samples', file)).resize(longSide, longSide, { fit: 'inside' }).jpeg({ quality: 92 }).toBuffer({ resolveWithObject: true });
  return { bytes: data, width: info.width, height: info.height };
}

export interface PipelineOptions {
  /** Extra agent environment (AGENT_MAX_ROUNDS, …). */
  readonly agentEnv?: Readonly<Record<string, string>>;
  /** The agent's view of the store (default: the shared memory store). */
  readonly agentStore?: (store: MemoryObjectStore) => ObjectStore;
  /** The segmenter's engine (default: the embedded engine without models). */
  readonly segmentEngine?: SegmentationEngine;
  /** More agent ports (parser, …). */
  readonly agentPorts?: Partial<AgentPorts>;
  /** The scene memory, opened on the scratch database (closed with the pipeline). */
  readonly memory?: (databaseUrl: string) => Promise<MemoryRepository & { close?(): Promise<void> }>;
  /** The gpu-worker's engines (default: the embedded engine). */
  readonly renderEngines?: readonly RenderEngine[];
}

export interface Pipeline {
  readonly db: Database;
  readonly store: MemoryObjectStore;
  readonly scratch: ScratchDatabase;
  readonly segmenter: Segmenter;
  readonly gpu: GpuWorker;
  readonly agent: Agent;
  readonly agentQueue: Queue;
  readonly memory: MemoryRepository | undefined;
  readonly prefix: string;
  readonly logs: LogLine[];
  /** Job events seen on Redis, by job id. */
  readonly events: Map<string, JobEvent[]>;
  tenant(maxRunningJobs?: number): Promise<TenantRecord>;
  image(tenantId: string, photo: Photo): Promise<string>;
  /** What the gateway does: a job row, then `{ tenantId, jobId }` on queue agent with BullMQ id = job id. */
  submit(t: TenantRecord, imageId: string, request: Record<string, unknown>, extra?: { webhookUrl?: string; batchId?: string; id?: string; userId?: string }): Promise<string>;
  /** The agent job's return value once it completed. */
  agentDone(queueJobId: string, timeoutMs?: number): Promise<AgentOutcome>;
  /** The job row once its agent job completed. */
  finished(t: TenantRecord, jobId: string, timeoutMs?: number): Promise<JobRecord>;
  /** The segmentation document the segmenter stored for this tenant's image. */
  segmentationOf(tenantId: string): Promise<SegmentationDocument>;
  reports(jobId: string): Promise<RenderReportDocument[]>;
  close(): Promise<void>;
}

export async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const prefix = `pt-agent-test-${randomUUID().slice(0, 8)}`;
  const scratch = await createScratchDatabase();
  const db = scratch.db;
  const store = new MemoryObjectStore();
  const logs: LogLine[] = [];
  const events = new Map<string, JobEvent[]>();

  const subscriber = new Redis(REDIS_URL);
  await subscriber.psubscribe(jobEventsChannel(prefix, '*'));
  subscriber.on('pmessage', (_pattern, _channel, message) => {
    const event = JSON.parse(message) as JobEvent;
    events.set(event.jobId, [...(events.get(event.jobId) ?? []), event]);
  });

  const segmenter = startSegmenter(loadSegmenterConfig({ PERTOUCH_QUEUE_PREFIX: prefix }), { engines: { embedded: options.segmentEngine ?? createEmbeddedEngine() }, store });
  const gpu = startGpuWorker({ ...loadGpuConfig({ PERTOUCH_QUEUE_PREFIX: prefix }), threads: 1 }, { store, ...(options.renderEngines ? { engines: options.renderEngines } : {}) });
  const memory = await options.memory?.(scratch.url);
  const config = loadConfig({ DATABASE_URL: scratch.url, PERTOUCH_QUEUE_PREFIX: prefix, PERTOUCH_WEBHOOK_ALLOWLIST: '127.0.0.1', WEBHOOK_TIMEOUT_MS: '3000', AGENT_CONCURRENCY: '4', ...options.agentEnv });
  const agent = startAgent(config, {
    db,
    store: options.agentStore ? options.agentStore(store) : store,
    log: (line) => logs.push(line),
    hopOptions: { segment: FAST, render: FAST },
    webhookJobOptions: FAST,
    busyDelayMs: () => 100 + Math.random() * 100,
    ...(memory ? { memory } : {}),
    ...options.agentPorts,
  });
  const agentQueue = new Queue(QUEUE_NAMES.agent, { connection: { url: REDIS_URL }, prefix });
  await Promise.all([segmenter.worker.waitUntilReady(), gpu.worker.waitUntilReady(), agent.agentWorker.waitUntilReady(), agent.webhookWorker.waitUntilReady()]);
  // Every service must share the prefix, or the hops would wait forever.
  if (new Set([segmenter.worker.opts.prefix, gpu.worker.opts.prefix, agent.agentWorker.opts.prefix]).size !== 1) throw new Error('services disagree on the queue prefix');

  const agentDone = async (queueJobId: string, timeoutMs = 60_000) => {
    const job = await until(
      `agent job ${queueJobId}`,
      async () => {
        const j = (await agentQueue.getJob(queueJobId)) as Job | undefined;
        const state = await j?.getState();
        if (state === 'failed') throw new Error(`agent job failed: ${j?.failedReason}`);
        return state === 'completed' ? j : undefined;
      },
      timeoutMs,
    );
    return job.returnvalue as AgentOutcome;
  };

  return {
    db,
    store,
    scratch,
    segmenter,
    gpu,
    agent,
    agentQueue,
    memory,
    prefix,
    logs,
    events,
    tenant: (maxRunningJobs = 4) => db.tenants.create({ id: `t-${randomUUID().slice(0, 8)}`, name: 'Pipeline test', webhookSecret: generateSecret(), maxRunningJobs }),
    async image(tenantId, photo) {
      const id = newId('image');
      const key = objectKeys.original(tenantId, id);
      await store.put(key, photo.bytes, 'image/jpeg');
      await db.images.create({ id, tenantId, objectKey: key, format: 'jpeg', width: photo.width, height: photo.height, bytes: photo.bytes.length, sha256: 'x'.repeat(64) });
      return id;
    },
    async submit(t, imageId, request, extra = {}) {
      const id = extra.id ?? newId('job');
      if (!extra.batchId) await db.jobs.create({ id, tenantId: t.id, imageId, request, webhookUrl: extra.webhookUrl ?? null, userId: extra.userId ?? null });
      await agentQueue.add('agent', { tenantId: t.id, jobId: id }, { ...DEFAULT_AGENT_JOB_OPTIONS, jobId: id });
      return id;
    },
    agentDone,
    async finished(t, jobId, timeoutMs) {
      await agentDone(jobId, timeoutMs);
      return (await db.jobs.get(t.id, jobId))!;
    },
    async segmentationOf(tenantId) {
      const key = [...store.objects.keys()].find((k) => k.startsWith(`tenants/${tenantId}/segmentations/`) && k.endsWith('segmentation.json'));
      return SegmentationDocumentSchema.parse(JSON.parse((await store.get(key!)).toString()));
    },
    async reports(jobId) {
      return (await db.jobs.rounds(jobId)).map((r) => RenderReportDocumentSchema.parse(r.report));
    },
    async close() {
      await agent.close();
      await Promise.all([segmenter.close(), gpu.close()]);
      for (const name of Object.values(QUEUE_NAMES)) {
        const queue = new Queue(name, { connection: { url: REDIS_URL }, prefix });
        await queue.obliterate({ force: true });
        await queue.close();
      }
      await agentQueue.close();
      await subscriber.quit();
      await memory?.close?.();
      await scratch.drop();
    },
  };
}
