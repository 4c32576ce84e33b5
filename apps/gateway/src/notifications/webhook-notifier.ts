/**
 * Webhooks for the state change the gateway itself makes: a job cancelled here. The rule
 * between services: whoever moves a job to a terminal state sends its webhooks and its
 * `done` event — the agent for jobs it finishes, the gateway for jobs it cancels. Both
 * use libs/webhooks' WebhookOutbox (same payloads, same deterministic delivery ids), so
 * when both get to a job — the agent picks up a job cancelled meanwhile and "makes sure
 * of its webhooks" — the second finds the deliveries the first made.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Database, JobRecord } from '@pertouch/db';
import { WebhookOutbox } from '@pertouch/webhooks';
import type { GatewaySettings } from '../config.js';
import type { Logger } from '../logger.js';
import type { WebhookQueue } from '../ports.js';
import { DATABASE, LOGGER, SETTINGS, WEBHOOK_QUEUE } from '../tokens.js';

@Injectable()
export class WebhookNotifier {
  private readonly outbox: WebhookOutbox;

  constructor(
    @Inject(DATABASE) db: Database,
    @Inject(WEBHOOK_QUEUE) queue: WebhookQueue,
    @Inject(SETTINGS) settings: GatewaySettings,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.outbox = new WebhookOutbox(db, (job) => queue.enqueue([job]), settings.publicUrl);
  }

  /** job.cancelled, then batch.completed if this completed the job's batch. Never throws: the cancel already happened. */
  async jobCancelled(job: JobRecord): Promise<void> {
    try {
      await this.outbox.jobFinished(job);
    } catch (error) {
      this.log({ level: 'error', event: 'webhook.enqueue_failed', jobId: job.id, error: (error as Error).message });
    }
  }
}
