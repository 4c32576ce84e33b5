import { DEFAULT_WEBHOOK_JOB_OPTIONS, webhookDeliveryId, type QueueJobOptions, type WebhookEventType, type WebhookJob } from '@pertouch/contracts';
import type { BatchRecord, Database, JobRecord } from '@pertouch/db';
import { webhookBody } from '@pertouch/webhooks';
import type { Queue } from 'bullmq';

/** Where one event goes: the job's (or batch's) own webhookUrl, signed with the tenant's secret, or an endpoint. */
interface Target {
  readonly endpointId: string | null;
  readonly url: string;
  /** `url` or the endpoint id: part of the deterministic delivery id. */
  readonly name: string;
}

export interface NotifierOptions {
  readonly db: Database;
  readonly webhookQueue: Queue;
  /** Default DEFAULT_WEBHOOK_JOB_OPTIONS (12 tries, 30 s doubling). */
  readonly jobOptions?: QueueJobOptions;
  /** The gateway's public base URL for result links; default: a path relative to the API. */
  readonly publicUrl?: string;
}

function eventOf(job: JobRecord): WebhookEventType | undefined {
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

/**
 * Webhooks for finished jobs and completed batches. Every delivery is logged in Postgres
 * first (`webhook_deliveries`), then queued on `webhook` with BullMQ job id = delivery id.
 * Delivery ids are derived from (tenant, job or batch, event, target), so calling this
 * again — a re-delivered agent job, a crash between two steps — finds the deliveries it
 * made and never sends an event twice.
 */
export class Notifier {
  private readonly jobOptions: QueueJobOptions;

  constructor(private readonly options: NotifierOptions) {
    this.jobOptions = options.jobOptions ?? DEFAULT_WEBHOOK_JOB_OPTIONS;
  }

  /** A job reached a terminal state: its webhooks, then its batch's if that completed the batch. */
  async jobFinished(job: JobRecord): Promise<void> {
    const type = eventOf(job);
    if (!type) return;
    const targets = await this.targets(job.tenantId, type, job.webhookUrl);
    const at = job.finishedAt ?? new Date();
    for (const target of targets) await this.ensure(job.tenantId, job.id, type, target, this.jobData(job), at);
    if (job.batchId) await this.batchMaybeCompleted(job.tenantId, job.batchId);
  }

  /**
   * `completeIfDone` flips the batch once; the webhooks go out for a completed batch
   * whoever flipped it, so a crash right after the flip is repaired by the next finished
   * (or re-delivered) job of the batch.
   */
  private async batchMaybeCompleted(tenantId: string, batchId: string): Promise<void> {
    await this.options.db.batches.completeIfDone(tenantId, batchId);
    const batch = await this.options.db.batches.get(tenantId, batchId);
    if (batch?.state !== 'completed') return;
    const type: WebhookEventType = 'batch.completed';
    const data = await this.batchData(batch);
    for (const target of await this.targets(tenantId, type, batch.webhookUrl)) {
      await this.ensure(tenantId, batch.id, type, target, data, batch.completedAt ?? new Date());
    }
  }

  private async targets(tenantId: string, type: WebhookEventType, ownUrl: string | null): Promise<Target[]> {
    const endpoints = await this.options.db.webhookEndpoints.forEvent(tenantId, type);
    return [...(ownUrl ? [{ endpointId: null, url: ownUrl, name: 'url' }] : []), ...endpoints.map((e) => ({ endpointId: e.id, url: e.url, name: e.id }))];
  }

  private async ensure(tenantId: string, subject: string, type: WebhookEventType, target: Target, data: Record<string, unknown>, at: Date): Promise<void> {
    const { db, webhookQueue } = this.options;
    const id = webhookDeliveryId(tenantId, subject, type, target.name);
    let delivery = await db.webhookDeliveries.get(tenantId, id);
    if (!delivery) {
      const payload: unknown = JSON.parse(webhookBody(type, data, at));
      try {
        delivery = await db.webhookDeliveries.create({ id, tenantId, endpointId: target.endpointId, url: target.url, eventType: type, payload });
      } catch (error) {
        // Created meanwhile by a concurrent caller (unique violation): use theirs.
        delivery = await db.webhookDeliveries.get(tenantId, id);
        if (!delivery) throw error;
      }
    }
    if (delivery.state !== 'pending') return;
    const job: WebhookJob = { tenantId, deliveryId: id };
    // A queued or running delivery job with this id makes this a no-op.
    await webhookQueue.add('deliver', job, { ...this.jobOptions, jobId: id });
  }

  /** The job as `GET /v1/jobs/{id}` shows it, minus the request and the rounds. */
  private jobData(job: JobRecord): Record<string, unknown> {
    const result =
      job.state === 'succeeded' && job.resultKey
        ? { url: `${this.options.publicUrl ?? ''}/v1/jobs/${job.id}/result`, format: job.resultFormat, width: job.resultWidth, height: job.resultHeight, bytes: job.resultBytes }
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
    const counts = await this.options.db.jobs.countByBatch(batch.tenantId, batch.id);
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
