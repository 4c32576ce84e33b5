/**
 * Webhooks for the state change the gateway itself makes: a job cancelled here. The rule
 * between services: whoever moves a job to a terminal state sends its webhooks and its
 * `done` event — the agent for jobs it finishes, the gateway for jobs it cancels.
 *
 * This mirrors apps/agent's Notifier exactly (same payload `data`, same deterministic
 * delivery ids from contracts' webhookDeliveryId), so when both get to a job — the agent
 * picks up a job cancelled meanwhile and "makes sure of its webhooks" — the second finds
 * the deliveries the first made, and every event is sent once. Deliveries are logged in
 * Postgres first, then queued on `webhook` with BullMQ job id = delivery id.
 */
import { Inject, Injectable } from '@nestjs/common';
import { webhookDeliveryId, type WebhookEventType } from '@pertouch/contracts';
import type { BatchRecord, Database, JobRecord } from '@pertouch/db';
import { webhookBody } from '@pertouch/webhooks';
import type { GatewaySettings } from '../config.js';
import type { Logger } from '../logger.js';
import type { WebhookQueue } from '../ports.js';
import { DATABASE, LOGGER, SETTINGS, WEBHOOK_QUEUE } from '../tokens.js';
import { resultUrl } from '../views.js';

interface Target {
  readonly endpointId: string | null;
  readonly url: string;
  /** The endpoint id, or `url` for the job's (batch's) own webhookUrl: part of the delivery id. */
  readonly name: string;
}

@Injectable()
export class WebhookNotifier {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(WEBHOOK_QUEUE) private readonly queue: WebhookQueue,
    @Inject(SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** job.cancelled, then batch.completed if this completed the job's batch. Never throws: the cancel already happened. */
  async jobCancelled(job: JobRecord): Promise<void> {
    try {
      const at = job.finishedAt ?? new Date();
      for (const target of await this.targets(job.tenantId, 'job.cancelled', job.webhookUrl)) {
        await this.ensure(job.tenantId, job.id, 'job.cancelled', target, this.jobData(job), at);
      }
      if (job.batchId) await this.batchMaybeCompleted(job.tenantId, job.batchId);
    } catch (error) {
      this.log({ level: 'error', event: 'webhook.enqueue_failed', jobId: job.id, error: (error as Error).message });
    }
  }

  private async batchMaybeCompleted(tenantId: string, batchId: string): Promise<void> {
    await this.db.batches.completeIfDone(tenantId, batchId);
    const batch = await this.db.batches.get(tenantId, batchId);
    if (batch?.state !== 'completed') return;
    const data = await this.batchData(batch);
    for (const target of await this.targets(tenantId, 'batch.completed', batch.webhookUrl)) {
      await this.ensure(tenantId, batch.id, 'batch.completed', target, data, batch.completedAt ?? new Date());
    }
  }

  private async targets(tenantId: string, type: WebhookEventType, ownUrl: string | null): Promise<Target[]> {
    const endpoints = await this.db.webhookEndpoints.forEvent(tenantId, type);
    return [...(ownUrl ? [{ endpointId: null, url: ownUrl, name: 'url' }] : []), ...endpoints.map((e) => ({ endpointId: e.id, url: e.url, name: e.id }))];
  }

  private async ensure(tenantId: string, subject: string, type: WebhookEventType, target: Target, data: Record<string, unknown>, at: Date): Promise<void> {
    const id = webhookDeliveryId(tenantId, subject, type, target.name);
    let delivery = await this.db.webhookDeliveries.get(tenantId, id);
    if (!delivery) {
      // Serialised once: every attempt sends (and signs) exactly these bytes.
      const payload: unknown = JSON.parse(webhookBody(type, data, at));
      try {
        delivery = await this.db.webhookDeliveries.create({ id, tenantId, endpointId: target.endpointId, url: target.url, eventType: type, payload });
      } catch (error) {
        // Created meanwhile by the agent (unique violation): use that one.
        delivery = await this.db.webhookDeliveries.get(tenantId, id);
        if (!delivery) throw error;
      }
    }
    if (delivery.state !== 'pending') return;
    await this.queue.enqueue([{ tenantId, deliveryId: id }]);
  }

  /** The job as `GET /v1/jobs/{id}` shows it, minus the request and the rounds (the agent's payload). */
  private jobData(job: JobRecord): Record<string, unknown> {
    const result =
      job.state === 'succeeded' && job.resultKey
        ? { url: resultUrl(this.settings.publicUrl, job.id), format: job.resultFormat, width: job.resultWidth, height: job.resultHeight, bytes: job.resultBytes }
        : null;
    return {
      id: job.id,
      object: 'job',
      state: job.state,
      imageId: job.imageId,
      batchId: job.batchId,
      userId: job.userId,
      error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
      result,
      createdAt: job.createdAt.toISOString(),
      startedAt: job.startedAt?.toISOString() ?? null,
      finishedAt: job.finishedAt?.toISOString() ?? null,
    };
  }

  private async batchData(batch: BatchRecord): Promise<Record<string, unknown>> {
    const counts = await this.db.jobs.countByBatch(batch.tenantId, batch.id);
    return {
      id: batch.id,
      object: 'batch',
      state: batch.state,
      total: batch.total,
      counts,
      createdAt: batch.createdAt.toISOString(),
      completedAt: batch.completedAt?.toISOString() ?? null,
    };
  }
}
