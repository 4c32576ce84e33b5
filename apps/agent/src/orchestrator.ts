import { AgentJobSchema, TERMINAL_JOB_STATES, formatProblem, type QueueJobOptions } from '@pertouch/contracts';
import type { Database, StartJobOutcome } from '@pertouch/db';
import type { InstructionParser, VlmJudge } from '@pertouch/instructions';
import type { ObjectStore } from '@pertouch/storage';
import { DelayedError, UnrecoverableError, WaitingChildrenError, type Job, type Queue } from 'bullmq';
import { jobEvent, type JobEventPublisher } from './events.js';
import { JobStopped, PipelineFailure } from './failures.js';
import { Hops } from './hops.js';
import { JobRun } from './job-run.js';
import type { LabelResolver } from './labels.js';
import type { Logger } from './log.js';
import type { WebhookOutbox } from '@pertouch/webhooks';
import { JobOutcomes } from './outcomes.js';
import type { TasteMemory } from './taste.js';

export interface OrchestratorOptions {
  readonly db: Database;
  readonly store: ObjectStore;
  readonly segmentQueue: Queue;
  readonly renderQueue: Queue;
  readonly events: JobEventPublisher;
  /** Webhooks of finished jobs (and completed batches), logged then queued. */
  readonly notifier: WebhookOutbox;
  readonly resolveLabel: LabelResolver;
  /** Instructions → edits (libs/instructions: the rule engine, or the VLM when configured). */
  readonly parser: InstructionParser;
  /** Judges the rounds of strong instructions by looking at before/after (vlm-judging.ts); absent: the embedded judge alone. */
  readonly vlmJudge?: VlmJudge;
  /** The scene memory weak instructions consult; without it they get the automatic look. */
  readonly taste?: TasteMemory;
  /** Most rounds a strong instruction renders (AGENT_MAX_ROUNDS). */
  readonly maxRounds: number;
  readonly log?: Logger;
  /** Producer options of the hops; default the contracts' DEFAULT_SEGMENT/RENDER_JOB_OPTIONS. */
  readonly hopOptions?: { readonly segment?: QueueJobOptions; readonly render?: QueueJobOptions };
  /** How long a job of a busy tenant waits before trying again (ms); default 0.5–2 s, jittered. */
  readonly busyDelayMs?: () => number;
}

/** What an agent job ended with (its BullMQ return value). */
export interface AgentOutcome {
  readonly outcome: 'succeeded' | 'failed' | 'stopped' | 'gone';
  readonly state?: string;
  readonly code?: string;
}

const defaultBusyDelay = () => 500 + Math.random() * 1500;

/**
 * Orchestrates one PerTouch job (queue `agent`): segment → analyse → plan → render
 * (→ judge → revise → render)* → finalize, with Postgres as the truth and every stage resumable (see Hops). Per delivery:
 *
 * 1. `jobs.start` under the tenant's maxRunningJobs: `busy` → the agent job goes back to
 *    delayed for 0.5–2 s (this bounds a tenant's concurrency and fans batches out
 *    gradually); `gone` (finished or cancelled) → only its webhooks are made sure of.
 * 2. The stages run from the top; hops already done answer from Redis, a round already
 *    saved is reused; between stages a job no longer `running` (cancelled) stops the run
 *    without touching its state.
 * 3. Bad input → the job fails with its code (the agent job completes: nothing to retry).
 *    Anything else is thrown for BullMQ to retry; the last attempt fails the job
 *    `internal_error` first.
 */
export class Orchestrator {
  private readonly outcomes: JobOutcomes;

  constructor(private readonly options: OrchestratorOptions) {
    this.outcomes = new JobOutcomes(options);
  }

  /**
   * The agent job failed for good outside the pipeline's own handling — it stalled more
   * than maxStalledCount times (its agents kept dying): fail the job `internal_error`, so
   * it does not stay `running` forever. A job already finished is left alone.
   */
  async abandon(data: unknown, reason: string): Promise<boolean> {
    const parsed = AgentJobSchema.safeParse(data);
    if (!parsed.success) return false;
    return (await this.outcomes.fail(parsed.data.tenantId, parsed.data.jobId, 'internal_error', `the pipeline gave up: ${reason}`)) !== undefined;
  }

  /**
   * A job already running is resumed with one read (the agent job comes back after each
   * hop: a tenant lookup and the start transaction every time would be most of the
   * orchestration's cost); a queued one starts under the tenant's concurrency limit.
   */
  private async start(tenantId: string, jobId: string): Promise<StartJobOutcome | undefined> {
    const { db } = this.options;
    const current = await db.jobs.get(tenantId, jobId);
    if (current?.state === 'running') return { kind: 'resumed', job: current };
    const tenant = await db.tenants.get(tenantId);
    if (!tenant) return undefined;
    return db.jobs.start(tenantId, jobId, tenant.maxRunningJobs);
  }

  async run(job: Job, token: string): Promise<AgentOutcome> {
    const parsed = AgentJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(formatProblem('invalid_payload', parsed.error.issues.map((i) => i.message).join('; ')));
    const { tenantId, jobId } = parsed.data;
    const { notifier } = this.options;
    const start = await this.start(tenantId, jobId);
    if (!start) return { outcome: 'gone' };
    if (start.kind === 'busy') {
      await job.moveToDelayed(Date.now() + Math.round((this.options.busyDelayMs ?? defaultBusyDelay)()), token);
      throw new DelayedError();
    }
    if (start.kind === 'gone') {
      // Finished before (a crash may have come between the transition and its webhooks).
      if (start.job && TERMINAL_JOB_STATES.includes(start.job.state)) await notifier.jobFinished(start.job);
      return { outcome: 'gone', state: start.job?.state };
    }
    const run = new JobRun(this.options, this.outcomes, start.job, new Hops(job, token));
    if (start.kind === 'started') await this.outcomes.publish(jobEvent('state', start.job));
    try {
      return await run.pipeline();
    } catch (error) {
      if (error instanceof WaitingChildrenError || error instanceof DelayedError) throw error;
      if (error instanceof JobStopped) {
        // Cancelled meanwhile: its state is not ours to change, but its webhooks are made
        // sure of here too (delivery ids are deterministic, so whoever sends them, once).
        this.options.log?.({ event: 'job.stopped', tenantId, jobId, state: error.job?.state ?? 'deleted' });
        if (error.job && TERMINAL_JOB_STATES.includes(error.job.state)) await notifier.jobFinished(error.job);
        return { outcome: 'stopped', state: error.job?.state ?? 'deleted' };
      }
      if (error instanceof PipelineFailure) return run.fail(error.code, error.message);
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await run.fail('internal_error', `the pipeline gave up after ${job.attemptsMade + 1} attempts: ${(error as Error).message}`).catch(() => undefined);
      }
      throw error;
    }
  }
}
