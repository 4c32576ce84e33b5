/**
 * Jobs: create (idempotent with Idempotency-Key), read, cancel, and the result. The job
 * row in Postgres is the truth; the `agent` queue only carries its id.
 */
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EditSpecSchema, PARENT_JOB_FIELD, formatExtension, newId, type CreateJobRequest, type FollowUpRequest, type JobDoneEvent, type JobView } from '@pertouch/contracts';
import type { Database, JobRecord, TenantRecord } from '@pertouch/db';
import type { ObjectStore } from '@pertouch/storage';
import { ObjectNotFoundError } from '@pertouch/storage';
import type { Readable } from 'node:stream';
import type { GatewaySettings } from '../config.js';
import { notFound, problem } from '../http/problem.js';
import type { Logger } from '../logger.js';
import { WebhookNotifier } from '../notifications/webhook-notifier.js';
import type { AgentQueue, JobEventBus, WebhookTargetCheck } from '../ports.js';
import { AGENT_QUEUE, DATABASE, JOB_EVENTS, LOGGER, OBJECT_STORE, SETTINGS, WEBHOOK_TARGET_CHECK } from '../tokens.js';
import { jobView } from '../views.js';
import { canonicalJson } from './canonical-json.js';
import { assertQuota } from './quota.js';

export const RESULT_MIME_TYPES: Readonly<Record<string, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  tiff: 'image/tiff',
};

export type JobResult =
  | { readonly kind: 'redirect'; readonly url: string }
  | { readonly kind: 'stream'; readonly body: Readable; readonly contentType: string; readonly size: number; readonly fileName: string };

@Injectable()
export class JobsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(AGENT_QUEUE) private readonly queue: AgentQueue,
    @Inject(JOB_EVENTS) private readonly events: JobEventBus,
    @Inject(WEBHOOK_TARGET_CHECK) private readonly webhookTarget: WebhookTargetCheck,
    @Inject(WebhookNotifier) private readonly notifier: WebhookNotifier,
    @Inject(SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async create(tenant: TenantRecord, body: CreateJobRequest, idempotencyKey: string | undefined): Promise<{ job: JobView; replayed: boolean }> {
    if (!(await this.db.images.get(tenant.id, body.imageId))) throw notFound('image', body.imageId);
    const { imageId, ...request } = body;
    return this.recordAndEnqueue(tenant, { imageId, userId: body.userId ?? null, request, webhookUrl: body.webhookUrl }, idempotencyKey, body);
  }

  /**
   * A follow-up: a new job on the parent's image, for the parent's user, that starts from
   * the parent's result (the agent reads `parentJobId` from its request). The parent must
   * have succeeded (409 result_not_ready otherwise); output and engine default to the
   * parent's.
   */
  async followUp(tenant: TenantRecord, parentId: string, body: FollowUpRequest, idempotencyKey: string | undefined): Promise<{ job: JobView; replayed: boolean }> {
    const parent = await this.record(tenant.id, parentId);
    if (parent.state !== 'succeeded') throw problem('result_not_ready', `job ${parentId} is ${parent.state}; a follow-up starts from a succeeded job's result`);
    const inherited = EditSpecSchema.pick({ output: true, engine: true }).safeParse({ output: parent.request.output, engine: parent.request.engine });
    const request = {
      instruction: body.instruction,
      [PARENT_JOB_FIELD]: parent.id,
      ...(body.output ? { output: body.output } : inherited.success && inherited.data.output ? { output: inherited.data.output } : {}),
      ...(body.engine ? { engine: body.engine } : inherited.success && inherited.data.engine ? { engine: inherited.data.engine } : {}),
      ...(parent.userId ? { userId: parent.userId } : {}),
      ...(body.webhookUrl ? { webhookUrl: body.webhookUrl } : {}),
    };
    // The idempotency hash covers the parent too: the same body on another parent is another request.
    return this.recordAndEnqueue(tenant, { imageId: parent.imageId, userId: parent.userId, request, webhookUrl: body.webhookUrl }, idempotencyKey, { followUpOf: parent.id, ...body });
  }

  /** Records a job (idempotent with the key) and enqueues it; `hashed` is what the key is bound to. */
  private async recordAndEnqueue(
    tenant: TenantRecord,
    job: { imageId: string; userId: string | null; request: Record<string, unknown>; webhookUrl: string | undefined },
    idempotencyKey: string | undefined,
    hashed: unknown,
  ): Promise<{ job: JobView; replayed: boolean }> {
    if (job.webhookUrl) await this.webhookTarget.check(job.webhookUrl);
    await assertQuota(this.db, tenant, 1);
    const outcome = await this.db.jobs.create({
      id: newId('job'),
      tenantId: tenant.id,
      imageId: job.imageId,
      userId: job.userId,
      request: job.request,
      webhookUrl: job.webhookUrl ?? null,
      idempotencyKey: idempotencyKey ?? null,
      requestHash: idempotencyKey ? createHash('sha256').update(canonicalJson(hashed)).digest('hex') : null,
    });
    if (outcome.kind === 'conflict') {
      throw problem('idempotency_key_reused', `Idempotency-Key was used for job ${outcome.job.id} with a different request body`);
    }
    // A replayed job still queued is enqueued again: its first request may have died
    // between the insert and the enqueue (BullMQ ignores an id it already holds).
    if (outcome.job.state === 'queued') await this.dispatch([outcome.job]);
    return { job: await this.view(outcome.job), replayed: outcome.kind === 'replayed' };
  }

  /** Adds the agent jobs; a job that is recorded but not queued is reported as 503 (retry with the same Idempotency-Key). */
  async dispatch(jobs: readonly JobRecord[]): Promise<void> {
    try {
      await this.queue.enqueue(jobs.map((job) => ({ tenantId: job.tenantId, jobId: job.id })));
    } catch (error) {
      this.log({ level: 'error', event: 'queue.enqueue_failed', jobIds: jobs.map((j) => j.id).slice(0, 20), error: (error as Error).message });
      throw problem('service_unavailable', 'the job was recorded but could not be queued; retry the request with the same Idempotency-Key', {
        headers: { 'retry-after': '5' },
        cause: error,
      });
    }
  }

  async get(tenantId: string, id: string): Promise<JobView> {
    return this.view(await this.record(tenantId, id));
  }

  async record(tenantId: string, id: string): Promise<JobRecord> {
    const job = await this.db.jobs.get(tenantId, id);
    if (!job) throw notFound('job', id);
    return job;
  }

  async view(job: JobRecord): Promise<JobView> {
    return jobView(job, await this.db.jobs.rounds(job.id), this.settings.publicUrl);
  }

  /**
   * queued|running → cancelled. A job no worker has taken yet is also removed from the
   * `agent` queue; a running one is stopped by the agent when it next reads its state.
   */
  async cancel(tenantId: string, id: string): Promise<JobView> {
    const cancelled = await this.db.jobs.transition(tenantId, id, ['queued', 'running'], 'cancelled');
    if (!cancelled) {
      const job = await this.record(tenantId, id);
      throw problem('job_not_cancellable', `job ${id} is ${job.state}; only queued or running jobs can be cancelled`);
    }
    await this.queue.removeWaiting(id).catch((error: Error) => this.log({ level: 'warn', event: 'queue.remove_failed', jobId: id, error: error.message }));
    // The `done` event (JobDoneEventSchema) ends open SSE streams and feeds the job-duration metric.
    const finishedAt = cancelled.finishedAt ?? new Date();
    const done: JobDoneEvent = {
      type: 'done',
      jobId: id,
      state: 'cancelled',
      stage: cancelled.stage,
      progress: cancelled.progress,
      at: finishedAt.toISOString(),
      durationMs: Math.max(0, finishedAt.getTime() - cancelled.createdAt.getTime()),
    };
    await this.events
      .publish(done)
      .catch((error: Error) => this.log({ level: 'warn', event: 'events.publish_failed', jobId: id, error: error.message }));
    await this.notifier.jobCancelled(cancelled);
    return this.view(cancelled);
  }

  /** The result's bytes, or a presigned URL when the store makes them and PERTOUCH_RESULT_REDIRECT allows it. */
  async result(tenantId: string, id: string): Promise<JobResult> {
    const job = await this.record(tenantId, id);
    if (job.state !== 'succeeded' || !job.resultKey) {
      const why = job.state === 'succeeded' ? 'has no result' : job.state === 'queued' || job.state === 'running' ? 'is not finished yet' : `is ${job.state} and has no result`;
      throw problem('result_not_ready', `job ${id} ${why}`);
    }
    const format = job.resultFormat ?? 'jpeg';
    const fileName = `${job.id}.${formatExtension(format)}`;
    if (this.settings.resultRedirect) {
      const url = await this.store.presignGet(job.resultKey, { expiresInSeconds: this.settings.resultUrlTtlSeconds, downloadName: fileName });
      if (url) return { kind: 'redirect', url };
    }
    try {
      const object = await this.store.getStream(job.resultKey);
      return { kind: 'stream', body: object.body, size: object.size, contentType: RESULT_MIME_TYPES[format] ?? object.contentType, fileName };
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw problem('not_found', `the result of job ${id} is no longer stored`);
      throw error;
    }
  }
}
