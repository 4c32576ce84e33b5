/**
 * Scene-aware taste memory over the API (design.md §6): feedback on a finished job
 * remembers its look for the job's end-user; forgetting removes a user's memory. Every
 * lookup is tenant-scoped: another tenant's job is a 404, and a user id names only this
 * tenant's user.
 */
import { Inject, Injectable } from '@nestjs/common';
import { JobSceneDocumentSchema, jobObjectKeys, type FeedbackRequest, type FeedbackResult, type ForgetMemoryResult, type JobSceneDocument } from '@pertouch/contracts';
import type { Database, JobRecord } from '@pertouch/db';
import type { MemoryRepository } from '@pertouch/memory';
import { ObjectNotFoundError, type ObjectStore } from '@pertouch/storage';
import { notFound, problem } from '../http/problem.js';
import type { Logger } from '../logger.js';
import { DATABASE, LOGGER, MEMORY, OBJECT_STORE } from '../tokens.js';
import { feedbackLook } from './feedback-look.js';

@Injectable()
export class MemoryService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(MEMORY) private readonly memory: MemoryRepository | null,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Accepted: the job's result look (corrected by `map`) is remembered for its userId with
   * the scene's features — a second feedback on the same job replaces the first. Rejected:
   * nothing is stored.
   */
  async feedback(tenantId: string, jobId: string, body: FeedbackRequest): Promise<FeedbackResult> {
    const job = await this.db.jobs.get(tenantId, jobId);
    if (!job) throw notFound('job', jobId);
    if (!job.userId) throw problem('user_id_required', `job ${jobId} was created without a userId: there is nobody to remember its look for`);
    if (job.state !== 'succeeded') throw problem('result_not_ready', `job ${jobId} is ${job.state}; feedback is taken on succeeded jobs`);
    if (!body.accepted) return { object: 'feedback', jobId, userId: job.userId, accepted: false, remembered: false, confirmed: null };
    const memory = this.requireMemory();
    const scene = await this.scene(job);
    const confirmed = feedbackLook(scene, body.map);
    await memory.remember({
      tenantId,
      userId: job.userId,
      jobId,
      features: { kind: scene.scene.kind, vector: Float32Array.from(scene.scene.vector), labels: scene.scene.labels },
      global: confirmed.global,
      labels: confirmed.labels,
    });
    this.log({ event: 'memory.remembered', tenantId, jobId, labels: Object.keys(confirmed.labels).length });
    return { object: 'feedback', jobId, userId: job.userId, accepted: true, remembered: true, confirmed };
  }

  async forget(tenantId: string, userId: string): Promise<ForgetMemoryResult> {
    const deleted = await this.requireMemory().forget(tenantId, userId);
    this.log({ event: 'memory.forgotten', tenantId, deleted });
    return { object: 'user_memory', userId, deleted };
  }

  private requireMemory(): MemoryRepository {
    if (!this.memory) throw problem('service_unavailable', 'this deployment has no scene memory configured');
    return this.memory;
  }

  /** The scene document the agent wrote when the job succeeded. */
  private async scene(job: JobRecord): Promise<JobSceneDocument> {
    let raw: unknown;
    try {
      raw = JSON.parse((await this.store.get(jobObjectKeys.scene(job.tenantId, job.imageId, job.id))).toString('utf8'));
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError) && !(error instanceof SyntaxError)) throw error;
      raw = undefined;
    }
    const parsed = JobSceneDocumentSchema.safeParse(raw);
    if (!parsed.success) throw problem('result_not_ready', `job ${job.id} has no scene record to remember (it finished before the agent wrote one)`);
    return parsed.data;
  }
}
