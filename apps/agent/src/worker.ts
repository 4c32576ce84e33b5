import { QUEUE_NAMES, WebhookJobSchema, formatProblem } from '@pertouch/contracts';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from './log.js';
import type { AgentOutcome, Orchestrator } from './orchestrator.js';
import type { SendOutcome, WebhookSender } from './webhook-sender.js';

export interface WorkerSettings {
  readonly connection: ConnectionOptions;
  /** BullMQ key prefix (PERTOUCH_QUEUE_PREFIX). */
  readonly prefix: string;
  readonly concurrency: number;
  /** Lock of an active job (ms), renewed every half of it while the job runs. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for active jobs whose lock lapsed (ms). */
  readonly stalledIntervalMs?: number;
  /** How many times a job may stall (its worker died) before it fails. */
  readonly maxStalledCount?: number;
  readonly log?: Logger;
}

function data(job: Job | undefined): Record<string, unknown> {
  return (typeof job?.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
}

function listen(worker: Worker, queue: string, log: Logger): void {
  worker.on('failed', (job, error) => {
    const final = error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1));
    log({ event: `${queue}.job_failed`, queueJobId: job?.id, ...data(job), attempt: job?.attemptsMade, error: error.message, willRetry: !final });
  });
  // Without an 'error' listener a Redis hiccup would crash the process.
  worker.on('error', (error) => log({ event: `${queue}.worker_error`, error: error.message }));
}

/**
 * The orchestrator's worker on queue `agent`. An agent job waiting for a hop is in
 * BullMQ's waiting-children state and holds no slot, so `concurrency` bounds only the
 * short bursts of work between hops. Stalled jobs (a crashed agent) go back to waiting
 * and resume from the top (Orchestrator), at most maxStalledCount times.
 */
export function createAgentWorker(settings: WorkerSettings & { readonly orchestrator: Pick<Orchestrator, 'run' | 'abandon'> }): Worker<unknown, AgentOutcome> {
  const log = settings.log ?? (() => {});
  const worker = new Worker<unknown, AgentOutcome>(QUEUE_NAMES.agent, (job, token) => settings.orchestrator.run(job, token ?? ''), {
    connection: settings.connection,
    prefix: settings.prefix,
    concurrency: settings.concurrency,
    ...(settings.lockDurationMs === undefined ? {} : { lockDuration: settings.lockDurationMs }),
    ...(settings.stalledIntervalMs === undefined ? {} : { stalledInterval: settings.stalledIntervalMs }),
    ...(settings.maxStalledCount === undefined ? {} : { maxStalledCount: settings.maxStalledCount }),
  });
  worker.on('completed', (job, result) => log({ event: 'agent.job_completed', queueJobId: job.id, ...data(job), ...result }));
  listen(worker, 'agent', log);
  // The processor fails the job itself on its last attempt; a job that stalled too often
  // never reaches it, and must not stay `running` in Postgres.
  worker.on('failed', (job, error) => {
    if (!job || (job.attemptsMade < (job.opts.attempts ?? 1) && !/stalled/i.test(error.message))) return;
    settings.orchestrator.abandon(job.data, error.message).catch((e: unknown) => log({ event: 'agent.abandon_failed', queueJobId: job.id, error: (e as Error).message }));
  });
  return worker;
}

/**
 * The webhook worker on queue `webhook`: one logged delivery per job. A failed attempt
 * throws, so BullMQ retries it with the producer's backoff (DEFAULT_WEBHOOK_JOB_OPTIONS);
 * the attempt that has no retry after it marks the delivery failed.
 */
export function createWebhookWorker(settings: WorkerSettings & { readonly sender: Pick<WebhookSender, 'send'> }): Worker<unknown, SendOutcome> {
  const log = settings.log ?? (() => {});
  const worker = new Worker<unknown, SendOutcome>(
    QUEUE_NAMES.webhook,
    async (job) => {
      const parsed = WebhookJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(formatProblem('invalid_payload', parsed.error.issues.map((i) => i.message).join('; ')));
      const attempt = job.attemptsMade + 1;
      return settings.sender.send(parsed.data, { attempt, final: attempt >= (job.opts.attempts ?? 1) });
    },
    { connection: settings.connection, prefix: settings.prefix, concurrency: settings.concurrency },
  );
  listen(worker, 'webhook', log);
  return worker;
}
