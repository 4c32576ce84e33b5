/**
 * The webhook outbox: every event for a job or batch that reached its end is first
 * logged in Postgres (`webhook_deliveries`), then queued for delivery (queue `webhook`,
 * BullMQ job id = delivery id). Delivery ids are derived from (tenant, job or batch,
 * event, target) — contracts' webhookDeliveryId — so a second call for the same event,
 * from a re-delivered agent job, after a crash between two steps, or from the other
 * service (the agent finishes jobs, the gateway cancels them), finds the deliveries
 * already made and sends nothing twice.
 */
import { webhookDeliveryId, type WebhookEventType, type WebhookJob } from '@pertouch/contracts';
import type { BatchRecord, Database, JobRecord } from '@pertouch/db';
import { webhookBody } from './payload.js';

/** Queues one logged delivery; a delivery job already queued or running with that id makes it a no-op. */
export type EnqueueDelivery = (job: WebhookJob) => Promise<void>;

/** Where one event goes: the job's (or batch's) own webhookUrl, or a registered endpoint. */
interface Target {
  readonly endpointId: string | null;
  readonly url: string;
  /** The endpoint id, or `url` for the own webhookUrl: part of the delivery id. */
  readonly name: string;
}

/** The webhook event a job in this state sends; none while it is not finished. */
export function jobEventType(job: Pick<JobRecord, 'state'>): WebhookEventType | undefined {
  switch (job.state) {
    case 'succeeded':
      return 'job.succeeded';
    case 'failed':
      return 'job.failed';
    case 'cancelled':
      return 'job.cancelled';
    default:
      return undefined;
  }
}

/** The job as `GET /v1/jobs/{id}` shows it, minus the request and the rounds: a job event's `data`. */
export function jobEventData(job: JobRecord, publicUrl: string): Record<string, unknown> {
  const result =
    job.state === 'succeeded' && job.resultKey
      ? { url: `${publicUrl}/v1/jobs/${job.id}/result`, format: job.resultFormat, width: job.resultWidth, height: job.resultHeight, bytes: job.resultBytes }
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

export class WebhookOutbox {
  constructor(
    private readonly db: Database,
    private readonly enqueue: EnqueueDelivery,
    /** The gateway's public base URL for result links ('' = paths relative to the API). */
    private readonly publicUrl: string,
  ) {}

  /** A job reached a terminal state: its webhooks, then its batch's if that completed the batch. */
  async jobFinished(job: JobRecord): Promise<void> {
    const type = jobEventType(job);
    if (!type) return;
    const at = job.finishedAt ?? new Date();
    const data = jobEventData(job, this.publicUrl);
    for (const target of await this.targets(job.tenantId, type, job.webhookUrl)) await this.ensure(job.tenantId, job.id, type, target, data, at);
    if (job.batchId) await this.batchMaybeCompleted(job.tenantId, job.batchId);
  }

  /**
   * `completeIfDone` flips the batch once; the webhooks go out for a completed batch
   * whoever flipped it, so a crash right after the flip is repaired by the next finished
   * (or re-delivered) job of the batch.
   */
  private async batchMaybeCompleted(tenantId: string, batchId: string): Promise<void> {
    await this.db.batches.completeIfDone(tenantId, batchId);
    const batch = await this.db.batches.get(tenantId, batchId);
    if (batch?.state !== 'completed') return;
    const data = await this.batchEventData(batch);
    for (const target of await this.targets(tenantId, 'batch.completed', batch.webhookUrl)) {
      await this.ensure(tenantId, batch.id, 'batch.completed', target, data, batch.completedAt ?? new Date());
    }
  }

  private async batchEventData(batch: BatchRecord): Promise<Record<string, unknown>> {
    const counts = await this.db.jobs.countByBatch(batch.tenantId, batch.id);
    return { id: batch.id, object: 'batch', state: batch.state, total: batch.total, counts, createdAt: batch.createdAt.toISOString(), completedAt: batch.completedAt?.toISOString() ?? null };
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
        // Created meanwhile by a concurrent caller (unique violation): use theirs.
        delivery = await this.db.webhookDeliveries.get(tenantId, id);
        if (!delivery) throw error;
      }
    }
    if (delivery.state !== 'pending') return;
    await this.enqueue({ tenantId, deliveryId: id });
  }
}
