import { AnalyseJobSchema, QUEUE_NAMES, RENDER_JOB_NAMES, RenderJobSchema, jobEventsChannel, type AnalyseResult, type JobEvent, type RenderJob, type RenderResult } from '@pertouch/contracts';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { RenderJobError, unrecoverable } from './errors.js';
import type { RenderService } from './render-service.js';

/** One structured log line (main.ts writes it as JSON to stdout). */
export type LogLine = Record<string, unknown> & { readonly event: string };
export type Logger = (line: LogLine) => void;

export type RenderQueueResult = AnalyseResult | RenderResult;

export interface RenderWorkerOptions {
  readonly connection: ConnectionOptions;
  /** BullMQ key prefix (PERTOUCH_QUEUE_PREFIX). */
  readonly prefix: string;
  /** Jobs at once; 1 per GPU (a render holds the device and most of the memory). */
  readonly concurrency: number;
  /** How long a job's lock lasts without renewal (ms); the lock is renewed every half of it while the job runs. */
  readonly lockDurationMs: number;
  /** How often this worker looks for stalled jobs — active jobs whose lock lapsed (ms). */
  readonly stalledIntervalMs: number;
  /** How many times a job may stall (its worker died) and be handed to another before it fails. */
  readonly maxStalledCount: number;
  readonly service: Pick<RenderService, 'analyse' | 'render'>;
  readonly log?: Logger;
  /** Publishes job progress events (Redis pub/sub); without it none are published. */
  readonly publisher?: { publish(channel: string, message: string): Promise<unknown> };
}

/** A zod schema, structurally (this app does not depend on zod itself). */
interface Schema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

function parsed<T>(schema: Schema<T>, data: unknown): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const detail = result.error.issues.map((i) => `${i.path.map(String).join('.') || 'payload'}: ${i.message}`).join('; ');
  throw new RenderJobError('invalid_payload', detail);
}

/**
 * Processes one job of queue `render` by its name. Input problems (a payload that fails
 * its schema, a missing or undecodable image or label raster, an engine that is not
 * available, targets the engine refuses) fail the job at once with `[code] message`;
 * anything else (storage or Redis trouble, a crash) is rethrown and BullMQ retries it
 * with the producer's backoff (DEFAULT_RENDER_JOB_OPTIONS).
 */
export async function processRenderQueueJob(
  service: Pick<RenderService, 'analyse' | 'render'>,
  job: Pick<Job, 'name' | 'data' | 'updateProgress'>,
  signal?: AbortSignal,
  /** Job progress events for the client (the round's slice of its progress; see RenderJob.progress). */
  publishProgress?: (job: RenderJob, fraction: number) => void,
): Promise<RenderQueueResult> {
  try {
    switch (job.name) {
      case RENDER_JOB_NAMES.analyse:
        return await service.analyse(parsed(AnalyseJobSchema, job.data));
      case RENDER_JOB_NAMES.render: {
        // Progress is advisory: a Redis hiccup while reporting it must not fail the render.
        const data = parsed(RenderJobSchema, job.data);
        const onProgress = (fraction: number) => {
          void job.updateProgress(Math.round(fraction * 100)).catch(() => {});
          publishProgress?.(data, fraction);
        };
        return await service.render(data, { signal, onProgress });
      }
      default:
        throw new RenderJobError('invalid_payload', `unknown job name ${JSON.stringify(job.name)} (expected ${Object.values(RENDER_JOB_NAMES).join(' or ')})`);
    }
  } catch (error) {
    if (error instanceof RenderJobError) throw unrecoverable(error);
    throw error;
  }
}

function jobFields(job: Job | undefined): Record<string, unknown> {
  if (!job) return {};
  const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
  return {
    queueJobId: job.id,
    name: job.name,
    tenantId: typeof data.tenantId === 'string' ? data.tenantId : undefined,
    jobId: typeof data.jobId === 'string' ? data.jobId : undefined,
    round: typeof data.round === 'number' ? data.round : undefined,
    attempt: job.attemptsMade,
    ms: job.processedOn !== undefined && job.finishedOn !== undefined ? job.finishedOn - job.processedOn : undefined,
  };
}

/**
 * The BullMQ worker on queue `render`; it starts at once.
 *
 * Stalled jobs: while a job runs, its lock is renewed every lockDuration / 2. If the
 * process dies (or its event loop is blocked for longer than lockDuration), the lock
 * lapses; every stalledInterval each worker moves such jobs back to waiting, so another
 * GPU picks them up — at most maxStalledCount times, then the job fails. Both stages are
 * idempotent (analyse writes nothing, a round is keyed by job and round), so running a
 * job twice is safe. A long render on the event loop's thread (images under 2 MP) must
 * finish within lockDuration, hence the generous default.
 */
export function createRenderWorker(options: RenderWorkerOptions): Worker<unknown, RenderQueueResult> {
  const log = options.log ?? (() => {});
  const publisher = options.publisher;
  const publishProgress = publisher ? progressPublisher(publisher, options.prefix) : undefined;
  const worker = new Worker<unknown, RenderQueueResult>(QUEUE_NAMES.render, (job, _token, signal) => processRenderQueueJob(options.service, job, signal, publishProgress), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount,
  });
  worker.on('completed', (job, result) => {
    const extra = 'outputKey' in result ? { reused: result.reused, engine: result.engine, bytes: result.bytes } : { regions: result.regions.length };
    log({ event: 'job.completed', ...jobFields(job), ...extra });
  });
  worker.on('failed', (job, error) => {
    const code = (error as Error & { code?: unknown }).code;
    const final = error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1));
    log({ event: 'job.failed', ...jobFields(job), code: typeof code === 'string' ? code : 'internal', error: error.message, willRetry: !final });
  });
  // Without an 'error' listener a Redis hiccup would crash the process.
  worker.on('error', (error) => log({ event: 'worker.error', error: error.message }));
  return worker;
}

/**
 * Publishes a round's progress as job events (what the gateway relays over SSE): the
 * round's slice of the job's progress (RenderJob.progress), one event per whole percent
 * of the job — per step for the diffusion engine. Advisory: a failed publish is ignored.
 */
export function progressPublisher(redis: { publish(channel: string, message: string): Promise<unknown> }, prefix: string): (job: RenderJob, fraction: number) => void {
  const last = new Map<string, number>();
  return (job, fraction) => {
    if (!job.progress) return;
    const { from, to } = job.progress;
    const progress = Math.round((from + (to - from) * Math.min(1, Math.max(0, fraction))) * 1000) / 1000;
    const key = `${job.jobId}:${job.round}`;
    if (progress <= (last.get(key) ?? -1)) return;
    last.set(key, progress);
    if (fraction >= 1) last.delete(key);
    const event: JobEvent = { type: 'progress', jobId: job.jobId, state: 'running', stage: 'render', progress, round: job.round, at: new Date().toISOString() };
    redis.publish(jobEventsChannel(prefix, job.jobId), JSON.stringify(event)).catch(() => {});
  };
}
