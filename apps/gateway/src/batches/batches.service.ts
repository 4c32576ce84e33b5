/**
 * Batches: one job per image, created with the batch in one transaction and enqueued
 * together. The per-tenant concurrency limit is the agent's (db.jobs.start with the
 * tenant's maxRunningJobs), so a batch of 1000 does not crowd out other work.
 */
import { Inject, Injectable } from '@nestjs/common';
import { newId, type BatchView, type CreateBatchRequest } from '@pertouch/contracts';
import type { Database, TenantRecord } from '@pertouch/db';
import { notFound, problem } from '../http/problem.js';
import { JobsService } from '../jobs/jobs.service.js';
import { assertQuota } from '../jobs/quota.js';
import type { WebhookTargetCheck } from '../ports.js';
import { DATABASE, WEBHOOK_TARGET_CHECK } from '../tokens.js';
import { batchView } from '../views.js';

@Injectable()
export class BatchesService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(JobsService) private readonly jobs: JobsService,
    @Inject(WEBHOOK_TARGET_CHECK) private readonly webhookTarget: WebhookTargetCheck,
  ) {}

  async create(tenant: TenantRecord, body: CreateBatchRequest): Promise<BatchView> {
    const existing = await this.db.images.existing(tenant.id, body.imageIds);
    const missing = [...new Set(body.imageIds.filter((id) => !existing.has(id)))];
    if (missing.length > 0) {
      throw problem('not_found', `${missing.length} image(s) not found: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}`, {
        errors: body.imageIds.flatMap((id, i) => (existing.has(id) ? [] : [{ path: `imageIds.${i}`, message: `image ${id} not found` }])),
        extensions: { missingImageIds: missing },
      });
    }
    if (body.webhookUrl) await this.webhookTarget.check(body.webhookUrl);
    await assertQuota(this.db, tenant, body.imageIds.length);

    const { imageIds, ...request } = body;
    const batchId = newId('batch');
    const { batch, jobs } = await this.db.batches.create(
      { id: batchId, tenantId: tenant.id, request, total: imageIds.length, webhookUrl: body.webhookUrl ?? null },
      imageIds.map((imageId) => ({
        id: newId('job'),
        tenantId: tenant.id,
        imageId,
        batchId,
        userId: body.userId ?? null,
        request,
        // Per-job webhooks would fire once per image; the batch's URL gets batch.completed.
        webhookUrl: null,
      })),
    );
    await this.jobs.dispatch(jobs);
    return batchView(batch, { queued: jobs.length, running: 0, succeeded: 0, failed: 0, cancelled: 0 }, jobs.map((job) => job.id));
  }

  async get(tenantId: string, id: string): Promise<BatchView> {
    const batch = await this.db.batches.get(tenantId, id);
    if (!batch) throw notFound('batch', id);
    const [counts, jobs] = await Promise.all([this.db.jobs.countByBatch(tenantId, id), this.db.jobs.listByBatch(tenantId, id)]);
    return batchView(batch, counts, jobs.map((job) => job.id));
  }
}
