import type { JobErrorCode } from '@pertouch/contracts';
import type { Database, JobRecord } from '@pertouch/db';
import { doneEvent, jobEvent, type JobEventPublisher } from './events.js';
import type { Logger } from './log.js';
import type { WebhookOutbox } from '@pertouch/webhooks';

export interface JobOutcomesOptions {
  readonly db: Database;
  readonly events: JobEventPublisher;
  /** Webhooks of finished jobs (and completed batches), logged then queued. */
  readonly notifier: WebhookOutbox;
  readonly log?: Logger;
}

/** What follows a job's end: its last events and its webhooks. */
export class JobOutcomes {
  constructor(private readonly options: JobOutcomesOptions) {}

  /** Events are advisory (Postgres is the truth): a failed publish is logged, not retried. */
  async publish(event: Parameters<JobEventPublisher['publish']>[0]): Promise<void> {
    try {
      await this.options.events.publish(event);
    } catch (error) {
      this.options.log?.({ event: 'event.publish_failed', jobId: event.jobId, type: event.type, error: (error as Error).message });
    }
  }

  /** The job just reached a terminal state: `state` and `done` events, then its webhooks. */
  async finished(job: JobRecord): Promise<void> {
    this.options.log?.({ event: 'job.finished', tenantId: job.tenantId, jobId: job.id, state: job.state, code: job.errorCode ?? undefined });
    await this.publish(jobEvent('state', job));
    await this.publish(doneEvent(job));
    await this.options.notifier.jobFinished(job);
  }

  /** Fails the job from queued or running; a job already finished or cancelled is left alone (undefined). */
  async fail(tenantId: string, jobId: string, code: JobErrorCode, message: string): Promise<JobRecord | undefined> {
    const failed = await this.options.db.jobs.transition(tenantId, jobId, ['queued', 'running'], 'failed', { errorCode: code, errorMessage: message.slice(0, 2000) });
    if (failed) await this.finished(failed);
    return failed;
  }
}
