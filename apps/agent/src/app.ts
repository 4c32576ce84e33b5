import { DEFAULT_WEBHOOK_JOB_OPTIONS, QUEUE_NAMES, type QueueJobOptions } from '@pertouch/contracts';
import type { Database } from '@pertouch/db';
import { createRuleParser, createVlmJudge, createVlmParser, type InstructionParser, type VlmJudge } from '@pertouch/instructions';
import type { MemoryRepository } from '@pertouch/memory';
import type { ObjectStore } from '@pertouch/storage';
import { WebhookOutbox, type ResolveHost } from '@pertouch/webhooks';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { AgentConfig } from './config.js';
import { redisJobEvents, type JobEventPublisher } from './events.js';
import { resolveWithVocabulary, type LabelResolver } from './labels.js';
import type { Logger } from './log.js';
import { Orchestrator, type AgentOutcome } from './orchestrator.js';
import { memoryTaste } from './taste.js';
import { WebhookSender, type SendOutcome } from './webhook-sender.js';
import { createAgentWorker, createWebhookWorker } from './worker.js';

/** The parts of AgentConfig the app factory reads (database, storage and the memory are passed in as ports). */
export type AgentSettings = Omit<AgentConfig, 'database' | 'storage' | 'memory'>;

export interface AgentPorts {
  readonly db: Database;
  readonly store: ObjectStore;
  readonly log?: Logger;
  /** Default: a Redis publisher on config.redisUrl. */
  readonly events?: JobEventPublisher;
  /** Default: libs/segmentation's vocabulary. */
  readonly resolveLabel?: LabelResolver;
  /** Default: the VLM when config.vlm is set, else libs/instructions' rule engine. */
  readonly parser?: InstructionParser;
  /** Default: the VLM when config.vlm is set with `judge` (PERTOUCH_VLM_JUDGE); null: none. */
  readonly vlmJudge?: VlmJudge | null;
  /** The scene memory (libs/memory); without it weak instructions get the automatic look. */
  readonly memory?: MemoryRepository;
  /** Default: the system resolver. */
  readonly resolveHost?: ResolveHost;
  /** Producer options of the hops and webhooks; default the contracts' defaults (tests shorten the backoff). */
  readonly hopOptions?: { readonly segment?: QueueJobOptions; readonly render?: QueueJobOptions };
  readonly webhookJobOptions?: QueueJobOptions;
  readonly busyDelayMs?: () => number;
}

export interface Agent {
  readonly agentWorker: Worker<unknown, AgentOutcome>;
  readonly webhookWorker: Worker<unknown, SendOutcome>;
  readonly orchestrator: Orchestrator;
  /**
   * Graceful stop: both workers stop taking jobs and finish the active ones (up to
   * `timeoutMs`, default shutdownTimeoutMs; then they are force-closed, and their jobs
   * resume elsewhere once their locks lapse); then queues and Redis close. The ports
   * (db, store) belong to the caller.
   */
  close(timeoutMs?: number): Promise<void>;
}

/** Wires queues, the event publisher, the orchestrator and both workers; they start at once. */
export function startAgent(config: AgentSettings, ports: AgentPorts): Agent {
  const log = ports.log ?? (() => {});
  const connection = { url: config.redisUrl };
  const prefix = config.queuePrefix;
  const queue = (name: string) => new Queue(name, { connection, prefix });
  const segmentQueue = queue(QUEUE_NAMES.segment);
  const renderQueue = queue(QUEUE_NAMES.render);
  const webhookQueue = queue(QUEUE_NAMES.webhook);
  const redis = ports.events ? undefined : new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  redis?.on('error', (error) => log({ event: 'redis.error', error: error.message }));
  const events = ports.events ?? redisJobEvents(redis!, prefix);

  const webhookJobOptions = ports.webhookJobOptions ?? DEFAULT_WEBHOOK_JOB_OPTIONS;
  const notifier = new WebhookOutbox(ports.db, async (job) => void (await webhookQueue.add('deliver', job, { ...webhookJobOptions, jobId: job.deliveryId })), config.publicUrl ?? '');
  const orchestrator = new Orchestrator({
    db: ports.db,
    store: ports.store,
    segmentQueue,
    renderQueue,
    events,
    notifier,
    resolveLabel: ports.resolveLabel ?? resolveWithVocabulary,
    parser: ports.parser ?? (config.vlm ? createVlmParser(config.vlm, { log }) : createRuleParser()),
    ...vlmJudgeOf(config, ports, log),
    ...(ports.memory ? { taste: memoryTaste(ports.memory) } : {}),
    maxRounds: config.maxRounds,
    log,
    hopOptions: ports.hopOptions,
    busyDelayMs: ports.busyDelayMs,
  });
  const sender = new WebhookSender({ db: ports.db, allowlist: config.webhookAllowlist, timeoutMs: config.webhookTimeoutMs, resolve: ports.resolveHost, log });
  const agentWorker = createAgentWorker({
    connection,
    prefix,
    concurrency: config.concurrency,
    lockDurationMs: config.lockDurationMs,
    stalledIntervalMs: config.stalledIntervalMs,
    maxStalledCount: config.maxStalledCount,
    orchestrator,
    log,
  });
  const webhookWorker = createWebhookWorker({ connection, prefix, concurrency: config.webhookConcurrency, sender, log });

  let closing: Promise<void> | undefined;
  const close = (timeoutMs = config.shutdownTimeoutMs) =>
    (closing ??= (async () => {
      const workers = [agentWorker, webhookWorker];
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([Promise.all(workers.map((w) => w.close())).then(() => 'closed' as const), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        log({ event: 'worker.shutdown_timeout', timeoutMs });
        await Promise.all(workers.map((w) => w.close(true)));
      }
      await Promise.all([segmentQueue.close(), renderQueue.close(), webhookQueue.close()]);
      redis?.disconnect();
    })());
  return { agentWorker, webhookWorker, orchestrator, close };
}

function vlmJudgeOf(config: AgentSettings, ports: AgentPorts, log: Logger): { vlmJudge?: VlmJudge } {
  if (ports.vlmJudge !== undefined) return ports.vlmJudge === null ? {} : { vlmJudge: ports.vlmJudge };
  return config.vlm?.judge ? { vlmJudge: createVlmJudge(config.vlm, { log }) } : {};
}
