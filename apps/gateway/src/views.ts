/**
 * Database records → the API's views (contracts' ImageSchema, JobSchema, BatchSchema,
 * WebhookEndpointSchema, WebhookDeliverySchema). Internal fields (object keys of
 * originals, secrets, hashes) never leave through here unless the contract names them.
 */
import type { BatchView, ImageView, InputFormat, JobView, WebhookDeliveryView, WebhookEventType } from '@pertouch/contracts';
import type { BatchRecord, ImageRecord, JobCounts, JobRecord, JobRoundRecord, WebhookDeliveryRecord, WebhookEndpointRecord } from '@pertouch/db';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function imageView(image: ImageRecord): ImageView {
  return {
    id: image.id,
    object: 'image',
    width: image.width,
    height: image.height,
    format: image.format as InputFormat,
    bytes: image.bytes,
    sha256: image.sha256,
    createdAt: image.createdAt.toISOString(),
  };
}

/** Where the result of a job can be fetched on this API. */
export function resultUrl(publicUrl: string, jobId: string): string {
  return `${publicUrl}/v1/jobs/${jobId}/result`;
}

export function jobView(job: JobRecord, rounds: readonly JobRoundRecord[], publicUrl: string): JobView {
  const hasResult = job.state === 'succeeded' && job.resultKey !== null;
  return {
    id: job.id,
    object: 'job',
    imageId: job.imageId,
    batchId: job.batchId,
    userId: job.userId,
    state: job.state,
    stage: job.stage,
    progress: Math.min(1, Math.max(0, job.progress)),
    request: job.request,
    rounds: [...rounds]
      .sort((a, b) => a.n - b.n)
      .map((round) => ({ n: round.n, map: round.map, report: round.report, imageKey: round.imageKey, verdict: round.verdict, createdAt: round.createdAt.toISOString() })),
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
    result: hasResult
      ? { url: resultUrl(publicUrl, job.id), format: job.resultFormat ?? 'jpeg', width: job.resultWidth ?? 0, height: job.resultHeight ?? 0, bytes: job.resultBytes ?? 0 }
      : null,
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
  };
}

export function batchView(batch: BatchRecord, counts: JobCounts, jobIds: readonly string[]): BatchView {
  const finished = counts.succeeded + counts.failed + counts.cancelled;
  return {
    id: batch.id,
    object: 'batch',
    state: batch.state,
    total: batch.total,
    counts: { queued: counts.queued, running: counts.running, succeeded: counts.succeeded, failed: counts.failed, cancelled: counts.cancelled },
    progress: batch.total === 0 ? 1 : Math.min(1, finished / batch.total),
    jobIds: [...jobIds],
    createdAt: batch.createdAt.toISOString(),
    completedAt: iso(batch.completedAt),
  };
}

export interface WebhookEndpointView {
  readonly id: string;
  readonly object: 'webhook_endpoint';
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly description: string | null;
  readonly secret?: string;
  readonly createdAt: string;
}

/** The secret only when `withSecret` (the create response: shown once). */
export function webhookEndpointView(endpoint: WebhookEndpointRecord, withSecret = false): WebhookEndpointView {
  return {
    id: endpoint.id,
    object: 'webhook_endpoint',
    url: endpoint.url,
    events: endpoint.events as WebhookEventType[],
    description: endpoint.description,
    ...(withSecret ? { secret: endpoint.secret } : {}),
    createdAt: endpoint.createdAt.toISOString(),
  };
}

export function webhookDeliveryView(delivery: WebhookDeliveryRecord): WebhookDeliveryView {
  return {
    id: delivery.id,
    object: 'webhook_delivery',
    endpointId: delivery.endpointId,
    url: delivery.url,
    eventType: delivery.eventType as WebhookEventType,
    state: delivery.state,
    attempts: delivery.attempts,
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    payload: delivery.payload,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: iso(delivery.deliveredAt),
  };
}

export function list<T>(data: readonly T[]): { object: 'list'; data: T[] } {
  return { object: 'list', data: [...data] };
}
