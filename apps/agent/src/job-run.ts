import {
  AnalyseResultSchema,
  DEFAULT_RENDER_JOB_OPTIONS,
  DEFAULT_SEGMENT_JOB_OPTIONS,
  QUEUE_NAMES,
  RENDER_JOB_NAMES,
  RenderReportDocumentSchema,
  RenderResultSchema,
  SegmentResultSchema,
  SegmentationDocumentSchema,
  formatExtension,
  objectKeys,
  pipelineJobIds,
  type AnalyseJob,
  type JobErrorCode,
  type JobStage,
  type RenderJob,
  type RenderReportDocument,
  type SegmentJob,
} from '@pertouch/contracts';
import type { JobRecord } from '@pertouch/db';
import { ObjectNotFoundError } from '@pertouch/storage';
import { STAGE_PROGRESS, jobEvent, stageIndex } from './events.js';
import { JobStopped, PipelineFailure, hopFailure } from './failures.js';
import type { Hop, Hops } from './hops.js';
import type { AgentOutcome, OrchestratorOptions } from './orchestrator.js';
import type { JobOutcomes } from './outcomes.js';
import { planRound, type PlannedRound } from './plan.js';
import { parseEditRequest, type EditRequest } from './request.js';

/** One delivery of one job through the stages. */
export class JobRun {
  private readonly tenantId: string;
  private readonly jobId: string;

  constructor(
    private readonly options: OrchestratorOptions,
    private readonly outcomes: JobOutcomes,
    private record: JobRecord,
    private readonly hops: Hops,
  ) {
    this.tenantId = record.tenantId;
    this.jobId = record.id;
  }

  async pipeline(): Promise<AgentOutcome> {
    const { db } = this.options;
    const request = parseEditRequest(this.record.request);
    const image = await db.images.get(this.tenantId, this.record.imageId);
    if (!image) throw new PipelineFailure('image_not_found', `image ${this.record.imageId} does not exist (deleted?)`);

    await this.enter('segment');
    const segmentJob: SegmentJob = { tenantId: this.tenantId, imageId: image.id, imageKey: image.objectKey };
    const segmentation = SegmentResultSchema.parse(await this.hop('segmentation_failed', this.segmentHop(segmentJob)));

    await this.enter('analyse');
    const analyseJob: AnalyseJob = { tenantId: this.tenantId, jobId: this.jobId, imageKey: image.objectKey, labelsKey: segmentation.labelsKey };
    const analysis = AnalyseResultSchema.parse(await this.hop('render_failed', this.renderHop(RENDER_JOB_NAMES.analyse, pipelineJobIds.analyse(this.jobId), analyseJob)));

    await this.enter('plan');
    const document = await this.readJson(segmentation.segmentationKey, SegmentationDocumentSchema, 'segmentation_failed');
    const plan = await planRound({ request, analysis, document, resolveLabel: this.options.resolveLabel });

    await this.enter('render');
    const round = await this.renderRound(1, request, plan, image.objectKey, segmentation.labelsKey);

    await this.enter('finalize');
    return this.finalize(round);
  }

  /** One round: reused when already saved with its image, else rendered on queue `render` and saved. */
  private async renderRound(n: number, request: EditRequest, plan: PlannedRound, imageKey: string, labelsKey: string): Promise<{ key: string; report: RenderReportDocument }> {
    const { db, store } = this.options;
    const { tenantId, jobId } = this;
    const imageId = this.record.imageId;
    const outputKey = objectKeys.round(tenantId, imageId, jobId, n, formatExtension(request.output.format));
    const saved = (await db.jobs.rounds(jobId)).find((r) => r.n === n);
    const savedReport = saved?.imageKey === outputKey ? RenderReportDocumentSchema.safeParse(saved.report) : undefined;
    if (savedReport?.success && (await store.exists(outputKey))) return { key: outputKey, report: savedReport.data };

    const renderJob: RenderJob = {
      tenantId,
      jobId,
      round: n,
      imageKey,
      ...(plan.wholeImage ? {} : { labelsKey }),
      ...(plan.regionGroups?.length ? { regionGroups: plan.regionGroups.map((g) => [...g]) } : {}),
      targets: [...plan.targets],
      output: request.output,
      engine: request.engine,
      outputKey,
      reportKey: objectKeys.roundReport(tenantId, imageId, jobId, n),
    };
    const result = RenderResultSchema.parse(await this.hop('render_failed', this.renderHop(RENDER_JOB_NAMES.render, pipelineJobIds.render(jobId, n), renderJob)));
    const report = await this.readJson(result.reportKey, RenderReportDocumentSchema, 'render_failed');
    await db.jobs.saveRound({ jobId, n, map: plan.map, report, imageKey: result.outputKey, verdict: null });
    await this.outcomes.publish(jobEvent('round', this.record, { round: n }));
    this.options.log?.({ event: 'job.round', tenantId, jobId, round: n, reused: result.reused, engine: result.engine });
    return { key: result.outputKey, report };
  }

  private async finalize(round: { key: string; report: RenderReportDocument }): Promise<AgentOutcome> {
    const { image } = round.report;
    const done = await this.options.db.jobs.transition(this.tenantId, this.jobId, ['running'], 'succeeded', {
      stage: 'done',
      progress: 1,
      resultKey: round.key,
      resultFormat: image.format,
      resultWidth: image.width,
      resultHeight: image.height,
      resultBytes: image.bytes,
    });
    if (!done) throw new JobStopped(await this.options.db.jobs.get(this.tenantId, this.jobId));
    this.record = done;
    await this.outcomes.finished(done);
    return { outcome: 'succeeded' };
  }

  /** Fails the job (from queued or running; a job already finished or cancelled is left alone). */
  async fail(code: JobErrorCode, message: string): Promise<AgentOutcome> {
    const failed = await this.outcomes.fail(this.tenantId, this.jobId, code, message);
    if (!failed) return { outcome: 'stopped' };
    this.record = failed;
    return { outcome: 'failed', code };
  }

  /**
   * Enters a stage: a stage already reached (an earlier delivery got there) publishes
   * nothing again. Checks first that the job is still running: a cancelled job stops here.
   * (The record is current after each enter, so this holds per delivery.)
   */
  private async enter(stage: JobStage): Promise<void> {
    // A stage this delivery's record (read when it started) is already past: nothing to
    // check or publish — a resumed job walks through its finished stages without a query
    // each (cancellation is seen at the next stage that does work).
    if (stageIndex(stage) < stageIndex(this.record.stage)) return;
    const current = await this.options.db.jobs.get(this.tenantId, this.jobId);
    if (current?.state !== 'running') throw new JobStopped(current);
    if (stageIndex(stage) <= stageIndex(current.stage)) {
      this.record = current;
      return;
    }
    await this.options.db.jobs.setProgress(this.tenantId, this.jobId, stage, STAGE_PROGRESS[stage]);
    this.record = { ...current, stage, progress: STAGE_PROGRESS[stage] };
    await this.outcomes.publish(jobEvent('progress', this.record));
  }

  private async hop(stageCode: 'segmentation_failed' | 'render_failed', hop: Hop): Promise<unknown> {
    const outcome = await this.hops.outcome(hop);
    if (outcome.kind === 'failed') throw hopFailure(stageCode, outcome.reason);
    return outcome.value;
  }

  private segmentHop(data: SegmentJob): Hop {
    const options = this.options.hopOptions?.segment ?? DEFAULT_SEGMENT_JOB_OPTIONS;
    return { queue: this.options.segmentQueue, name: QUEUE_NAMES.segment, id: pipelineJobIds.segment(this.jobId), data, options };
  }

  private renderHop(name: string, id: string, data: AnalyseJob | RenderJob): Hop {
    return { queue: this.options.renderQueue, name, id, data, options: this.options.hopOptions?.render ?? DEFAULT_RENDER_JOB_OPTIONS };
  }

  /** A JSON document a hop said it wrote; missing or malformed means that hop's stage failed. */
  private async readJson<T>(key: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, code: JobErrorCode): Promise<T> {
    let text: Buffer;
    try {
      text = await this.options.store.get(key);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new PipelineFailure(code, `${key} is missing`);
      throw error;
    }
    let parsed: ReturnType<typeof schema.safeParse> | undefined;
    try {
      parsed = schema.safeParse(JSON.parse(text.toString('utf8')));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) throw new PipelineFailure(code, `${key} is not a valid document`);
    return parsed.data;
  }
}
