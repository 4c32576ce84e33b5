import { DEFAULT_QUEUE_PREFIX, QUEUE_NAMES, SegmentJobSchema, type SegmentResult } from '@pertouch/contracts';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { problemMessage, problemOf } from './errors.js';
import type { SegmentService } from './segment-service.js';

/** One structured log line (main.ts writes it as JSON to stdout). */
export type LogLine = Record<string, unknown> & { readonly event: string };
export type Logger = (line: LogLine) => void;

export interface SegmentWorkerOptions {
  /** BullMQ connection, e.g. `{ url: 'redis://127.0.0.1:6379' }`. */
  readonly connection: ConnectionOptions;
  /** BullMQ key prefix; default 'pertouch' (DEFAULT_QUEUE_PREFIX). */
  readonly prefix?: string;
  /** Jobs processed at once by this worker; default 1. */
  readonly concurrency?: number;
  /** How long a job's lock lasts without renewal (ms); default 120 000. */
  readonly lockDurationMs?: number;
  readonly service: Pick<SegmentService, 'segment'>;
  readonly log?: Logger;
  /** Queue name; default QUEUE_NAMES.segment. */
  readonly queueName?: string;
}

/**
 * Processes one job's data. Bad input — a payload that fails SegmentJobSchema, an
 * undecodable or oversized image, a missing image, an unknown engine, a prompt the
 * engine refuses (SegmentationError) — throws an UnrecoverableError whose message is
 * `[code] message`: BullMQ fails the job at once, with no retry. Anything else (storage or
 * Redis trouble, an engine crash) is rethrown as is, so BullMQ retries it with the
 * producer's backoff (DEFAULT_SEGMENT_JOB_OPTIONS).
 */
export async function processSegmentJob(service: Pick<SegmentService, 'segment'>, data: unknown): Promise<SegmentResult> {
  const parsed = SegmentJobSchema.safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    throw unrecoverable({ code: 'invalid_payload', message: detail });
  }
  try {
    return await service.segment(parsed.data);
  } catch (error) {
    const problem = problemOf(error);
    if (problem) throw unrecoverable(problem);
    throw error;
  }
}

function unrecoverable(problem: { code: string; message: string }): UnrecoverableError {
  const error = new UnrecoverableError(problemMessage(problem));
  (error as UnrecoverableError & { code?: string }).code = problem.code;
  return error;
}

function jobFields(job: Job | undefined): Record<string, unknown> {
  if (!job) return {};
  const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
  return {
    jobId: job.id,
    tenantId: typeof data.tenantId === 'string' ? data.tenantId : undefined,
    imageId: typeof data.imageId === 'string' ? data.imageId : undefined,
    attempt: job.attemptsMade,
    ms: job.processedOn !== undefined && job.finishedOn !== undefined ? job.finishedOn - job.processedOn : undefined,
  };
}

/**
 * The BullMQ worker on queue `segment`. It starts at once. `worker.close()` stops taking
 * jobs and resolves once the active ones have finished (graceful shutdown);
 * `worker.close(true)` does not wait: those jobs' locks lapse and BullMQ's stalled-job
 * check hands them to another worker (results are idempotent, so that is safe).
 */
export function createSegmentWorker(options: SegmentWorkerOptions): Worker<unknown, SegmentResult> {
  const log = options.log ?? (() => {});
  const worker = new Worker<unknown, SegmentResult>(options.queueName ?? QUEUE_NAMES.segment, (job) => processSegmentJob(options.service, job.data), {
    connection: options.connection,
    prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX,
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDurationMs ?? 120_000,
  });
  worker.on('completed', (job, result) => {
    log({ event: 'job.completed', ...jobFields(job), cached: result.cached, engine: result.engine, segmentationKey: result.segmentationKey, maskKey: result.maskKey, mergedKey: result.merged?.segmentationKey });
  });
  worker.on('failed', (job, error) => {
    const code = (error as Error & { code?: unknown }).code;
    const final = error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1));
    log({ event: 'job.failed', ...jobFields(job), code: typeof code === 'string' ? code : 'internal', error: error.message, willRetry: !final });
  });
  // A worker with no 'error' listener would crash the process on a Redis hiccup.
  worker.on('error', (error) => log({ event: 'worker.error', error: error.message }));
  return worker;
}
