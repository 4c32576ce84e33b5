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
  renderProgress,
  jobObjectKeys,
  type AnalyseJob,
  type AnalyseResult,
  type JobErrorCode,
  type JobSceneDocument,
  type JobStage,
  type RenderJob,
  type RenderReportDocument,
  type RoundVerdict,
  type SegmentJob,
  type SegmentationDocument,
  type Preview,
  parseProblem,
} from '@pertouch/contracts';
import type { JobRecord } from '@pertouch/db';
import { ObjectNotFoundError } from '@pertouch/storage';
import { STAGE_PROGRESS, jobEvent, stageIndex } from './events.js';
import { JobStopped, PipelineFailure, hopFailure } from './failures.js';
import type { Hop, Hops } from './hops.js';
import type { AgentOutcome, OrchestratorOptions } from './orchestrator.js';
import type { JobOutcomes } from './outcomes.js';
import type { BoxedRegion } from './boxes.js';
import { planInstruction, type StrongPlan } from './instruction-plan.js';
import { bestRound, judgeRound, type RoundOutcome } from './judge.js';
import { planRound, resolvedTargets, type PlannedRound, type Values } from './plan.js';
import { parseEditRequest, type EditRequest } from './request.js';
import { sceneDocument, type ResultRound } from './scene.js';
import { initialShifts, roundOfDesign, targetsOfReport } from './strong-plan.js';
import { beforeImage, deltaScales, judgeWithVlm, readPreview, type VlmJudging } from './vlm-judging.js';

/** What every round of a job renders from. */
interface RoundSource {
  readonly request: EditRequest;
  readonly imageKey: string;
  readonly labelsKey: string;
  /** Ask the renderer for a preview of each round (for the VLM judge). */
  readonly previews?: boolean;
}

/** The segmentation a job renders under: the segmenter's, or it with objects found by VLM boxes merged in. */
interface Grounding {
  readonly labelsKey: string;
  readonly segmentationKey: string;
  readonly document: SegmentationDocument;
  readonly analysis: AnalyseResult;
}

/** At most this many objects found by boxes per instruction (a parse has at most this many edits anyway). */
const MAX_BOXED_OBJECTS = 16;

/** A rendered round as the job's result may use it. */
interface FinishedRound extends ResultRound {
  readonly key: string;
  readonly report: RenderReportDocument;
}

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
    this.deliveryStage = record.stage;
  }

  /** The stage the job was at when this delivery began. */
  private readonly deliveryStage: string;

  async pipeline(): Promise<AgentOutcome> {
    const { db } = this.options;
    const request = parseEditRequest(this.record.request);
    const image = await db.images.get(this.tenantId, this.record.imageId);
    if (!image) throw new PipelineFailure('image_not_found', `image ${this.record.imageId} does not exist (deleted?)`);

    await this.enter('segment');
    const segmentJob: SegmentJob = { tenantId: this.tenantId, imageId: image.id, imageKey: image.objectKey };
    const segmentation = SegmentResultSchema.parse(await this.hop('segmentation_failed', this.segmentHop(segmentJob)));

    await this.enter('analyse');
    // The VLM looks at a preview of the photo (parse: boxes; judge: before and after).
    const vlmSees = request.kind === 'instruction' && (this.options.parser.engine === 'vlm' || this.options.vlmJudge !== undefined);
    const analyseJob: AnalyseJob = {
      tenantId: this.tenantId,
      jobId: this.jobId,
      imageKey: image.objectKey,
      labelsKey: segmentation.labelsKey,
      segmentationKey: segmentation.segmentationKey,
      ...(vlmSees ? { previewKey: objectKeys.preview(this.tenantId, image.id) } : {}),
    };
    const firstAnalysis = AnalyseResultSchema.parse(await this.hop('render_failed', this.renderHop(RENDER_JOB_NAMES.analyse, pipelineJobIds.analyse(this.jobId), analyseJob)));

    await this.enter('plan');
    let grounding: Grounding = {
      labelsKey: segmentation.labelsKey,
      segmentationKey: segmentation.segmentationKey,
      document: await this.readJson(segmentation.segmentationKey, SegmentationDocumentSchema, 'segmentation_failed'),
      analysis: firstAnalysis,
    };
    // `auto` for a user is the weak request in structured form: the remembered look, if any.
    const personal = request.kind === 'instruction' || (request.kind === 'auto' && this.record.userId !== null);
    let plan: PlannedRound | StrongPlan;
    if (personal) {
      const merged = new Map<string, number>();
      for (let k = 1; ; k++) {
        const planned = await this.planInstruction(request, grounding, firstAnalysis.preview, merged);
        if (!('boxes' in planned)) {
          plan = planned;
          break;
        }
        if (k > MAX_BOXED_OBJECTS) throw new PipelineFailure('instruction_not_supported', `the instruction names more than ${MAX_BOXED_OBJECTS} objects only a box finds`);
        const box = planned.boxes[0];
        const found = await this.groundBox(k, image, box, grounding);
        grounding = found.grounding;
        merged.set(box.region, found.regionId);
      }
    } else {
      plan = await planRound({ request, analysis: grounding.analysis, document: grounding.document, resolveLabel: this.options.resolveLabel });
    }
    const { analysis, document } = grounding;

    await this.enter('render');
    const source: RoundSource = { request, imageKey: image.objectKey, labelsKey: grounding.labelsKey };
    const result =
      'design' in plan
        ? await this.strongRounds(plan, analysis, source, await this.vlmJudging(request, plan, firstAnalysis.preview))
        : { n: 1, map: plan.map, targets: plan.targets, ...(await this.renderRound(1, source, plan, async () => null)) };

    await this.enter('finalize');
    // Only a job with a user can be confirmed (feedback needs its userId): only then is its scene kept.
    if (analysis.scene && this.record.userId !== null) await this.writeScene(sceneDocument(this.jobId, analysis.scene, document, analysis, result));
    return this.finalize(result);
  }

  private async planInstruction(
    request: EditRequest,
    { analysis, document }: Pick<Grounding, 'analysis' | 'document'>,
    preview: Preview | undefined,
    merged: ReadonlyMap<string, number>,
  ): Promise<PlannedRound | StrongPlan | { kind: 'ground'; boxes: readonly BoxedRegion[] }> {
    const { db, store, parser, taste, resolveLabel, log } = this.options;
    const instruction = request.kind === 'instruction' ? request.instruction : undefined;
    const planned = await planInstruction(
      { tenantId: this.tenantId, jobId: this.jobId, imageId: this.record.imageId, userId: this.record.userId, instruction, parentJobId: request.parentJobId, analysis, document, preview, merged },
      { db, store, parser, taste, resolveLabel },
    );
    if (planned.fresh) log?.({ event: 'job.planned', tenantId: this.tenantId, jobId: this.jobId, type: planned.kind, parser: planned.plan.parser, edits: planned.plan.edits.length, memory: planned.plan.memory });
    return planned.kind === 'weak' ? planned.round : planned;
  }

  /**
   * An object only the VLM's box finds (boxes.ts): the segmenter cuts the box's mask and
   * lays it over the segmentation as one more region (`merge`; onto the previous merge
   * after the first), and the renderer measures the photo again under it. Hops
   * ground-{jobId}-{k} and analyse-{jobId}-{k}. An empty mask fails `label_not_found`.
   */
  private async groundBox(k: number, image: { id: string; objectKey: string }, { region, box }: BoxedRegion, previous: Grounding): Promise<{ grounding: Grounding; regionId: number }> {
    const job: SegmentJob = {
      tenantId: this.tenantId,
      imageId: image.id,
      imageKey: image.objectKey,
      prompt: { kind: 'box', box },
      merge: { label: region, ...(k > 1 ? { onto: previous.segmentationKey } : {}) },
    };
    const hop = { ...this.segmentHop(job), id: pipelineJobIds.ground(this.jobId, k) };
    const outcome = await this.hops.outcome(hop);
    if (outcome.kind === 'failed') {
      if (parseProblem(outcome.reason)?.code === 'empty_mask') throw new PipelineFailure('label_not_found', `instruction: nothing was found in the box the VLM drew around "${region}"`);
      throw hopFailure('segmentation_failed', outcome.reason);
    }
    const merged = SegmentResultSchema.parse(outcome.value).merged;
    if (!merged) throw new PipelineFailure('segmentation_failed', `the segmenter did not merge the mask of "${region}" (an older segmenter?)`);
    const analyseJob: AnalyseJob = { tenantId: this.tenantId, jobId: this.jobId, imageKey: image.objectKey, labelsKey: merged.labelsKey, segmentationKey: merged.segmentationKey };
    const analysis = AnalyseResultSchema.parse(await this.hop('render_failed', this.renderHop(RENDER_JOB_NAMES.analyse, pipelineJobIds.reanalyse(this.jobId, k), analyseJob)));
    const document = await this.readJson(merged.segmentationKey, SegmentationDocumentSchema, 'segmentation_failed');
    if (!document.regions.some((r) => r.id === merged.regionId)) throw new PipelineFailure('segmentation_failed', `${merged.segmentationKey} lacks the merged region ${merged.regionId}`);
    return { grounding: { labelsKey: merged.labelsKey, segmentationKey: merged.segmentationKey, document, analysis }, regionId: merged.regionId };
  }

  /** The VLM judge's view of a strong job, when one is configured and the photo has a preview. */
  private async vlmJudging(request: EditRequest, plan: StrongPlan, preview: Preview | undefined): Promise<VlmJudging | undefined> {
    const { vlmJudge, store, db } = this.options;
    if (!vlmJudge || !preview || request.kind !== 'instruction') return undefined;
    const before = await beforeImage({ store, db, tenantId: this.tenantId, imageId: this.record.imageId, parentJobId: request.parentJobId, preview });
    if (!before) return undefined;
    return { judge: vlmJudge, instruction: request.instruction, edits: plan.edits, before, maxRounds: this.options.maxRounds };
  }

  /**
   * Feedback-driven rethinking (judge.ts): render, judge the round from its report,
   * revise and render again until the judge is satisfied, nothing can improve, or
   * maxRounds were rendered. Every round is saved with its verdict; the result is the
   * best round (judge.ts bestRound). Deterministic from the saved reports, so a delivery
   * that runs again from the top walks the same rounds and reuses them.
   */
  private async strongRounds(plan: StrongPlan, analysis: AnalyseResult, source: RoundSource, vlm: VlmJudging | undefined): Promise<FinishedRound> {
    const history: RoundOutcome[] = [];
    const verdicts: RoundVerdict[] = [];
    const rounds: (FinishedRound & { miss: number; satisfied: boolean })[] = [];
    // Round 1 moves each group by its delta from the as-shot value the renderer measures on it;
    // later rounds aim absolute targets from what the earlier ones measured.
    const shifts = initialShifts(plan.design);
    let targets: Values[] | undefined;
    const judgedSource = vlm ? { ...source, previews: true } : source;
    for (let n = 1; ; n++) {
      // The request as the VLM judge's advice so far has scaled it (the design itself without one).
      const design = plan.redesign(deltaScales(verdicts, plan.edits.length));
      const planned = roundOfDesign(design, targets ?? { shifts }, analysis);
      const asked = (report: RenderReportDocument) => targets ?? targetsOfReport(design, shifts, report);
      const judge = (report: RenderReportDocument) => judgeRound(design, [...history, { targets: asked(report), report }]);
      const round = await this.renderRound(n, judgedSource, planned, async (report, preview) => {
        const embedded = { ...judge(report).verdict, judge: 'embedded' as const };
        if (!vlm || !preview) return embedded;
        return judgeWithVlm(vlm, await readPreview(this.options.store, preview), n, embedded, this.options.log);
      });
      const judgement = judge(round.report);
      const verdict: RoundVerdict = round.verdict ?? { ...judgement.verdict, judge: 'embedded' };
      verdicts.push(verdict);
      history.push({ targets: asked(round.report), report: round.report });
      rounds.push({ n, map: planned.map, targets: resolvedTargets(planned.targets, round.report), key: round.key, report: round.report, miss: judgement.miss, satisfied: verdict.satisfied });
      if (verdict.satisfied || n >= this.options.maxRounds) break;
      // The VLM's "more"/"less" moves what is wanted; the secant step on the measurements gets there.
      const next = verdict.judge === 'vlm' ? judgeRound(plan.redesign(deltaScales(verdicts, plan.edits.length)), history).next : judgement.next;
      if (!next) break;
      targets = [...next];
    }
    const best = bestRound(rounds);
    return rounds.find((r) => r.n === best)!;
  }

  /** One round: reused when already saved with its image, else rendered on queue `render` and saved with its verdict. */
  private async renderRound(
    n: number,
    source: RoundSource,
    plan: PlannedRound,
    verdictOf: (report: RenderReportDocument, preview: Preview | undefined) => Promise<RoundVerdict | null>,
  ): Promise<{ key: string; report: RenderReportDocument; verdict: RoundVerdict | null }> {
    const { db, store } = this.options;
    const { tenantId, jobId } = this;
    const { request, imageKey, labelsKey } = source;
    const imageId = this.record.imageId;
    const outputKey = objectKeys.round(tenantId, imageId, jobId, n, formatExtension(request.output.format));
    // Only a delivery that began at or past `render` can find this round already saved.
    if (stageIndex(this.deliveryStage) >= stageIndex('render')) {
      const saved = (await db.jobs.rounds(jobId)).find((r) => r.n === n);
      const savedReport = saved?.imageKey === outputKey ? RenderReportDocumentSchema.safeParse(saved.report) : undefined;
      if (savedReport?.success && (await store.exists(outputKey))) return { key: outputKey, report: savedReport.data, verdict: saved!.verdict };
    }

    if (n > 1) await this.advanceProgress(renderProgress(0, n, this.options.maxRounds));
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
      ...(source.previews ? { previewKey: objectKeys.roundPreview(tenantId, imageId, jobId, n) } : {}),
      progress: { from: renderProgress(0, n, this.options.maxRounds), to: renderProgress(1, n, this.options.maxRounds) },
    };
    const result = RenderResultSchema.parse(await this.hop('render_failed', this.renderHop(RENDER_JOB_NAMES.render, pipelineJobIds.render(jobId, n), renderJob)));
    // The renderer published progress up to the round's end: carry on from there.
    await this.advanceProgress(renderProgress(1, n, this.options.maxRounds));
    const report = await this.readJson(result.reportKey, RenderReportDocumentSchema, 'render_failed');
    const verdict = await verdictOf(report, result.preview);
    await db.jobs.saveRound({ jobId, n, map: plan.map, report, imageKey: result.outputKey, verdict });
    await this.outcomes.publish(jobEvent('round', this.record, { round: n }));
    this.options.log?.({ event: 'job.round', tenantId, jobId, round: n, reused: result.reused, engine: result.engine, ...(verdict ? { satisfied: verdict.satisfied } : {}) });
    return { key: result.outputKey, report, verdict };
  }

  /** Progress through the render stage (contracts' renderProgress: round n of maxRounds); it never goes back. */
  private async advanceProgress(progress: number): Promise<void> {
    if (progress <= this.record.progress) return;
    await this.options.db.jobs.setProgress(this.tenantId, this.jobId, 'render', progress);
    this.record = { ...this.record, progress };
  }

  /** The scene document the feedback route reads (written before the job shows succeeded). */
  private async writeScene(doc: JobSceneDocument): Promise<void> {
    await this.options.store.put(jobObjectKeys.scene(this.tenantId, this.record.imageId, this.jobId), Buffer.from(JSON.stringify(doc)), 'application/json');
  }

  private async finalize(round: FinishedRound): Promise<AgentOutcome> {
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
    const { db } = this.options;
    // A new stage: one statement moves a running job on and says whether it still runs
    // (a cancelled job is left alone and stops below).
    if (stageIndex(stage) > stageIndex(this.record.stage) && (await db.jobs.setProgress(this.tenantId, this.jobId, stage, STAGE_PROGRESS[stage]))) {
      this.record = { ...this.record, stage, progress: STAGE_PROGRESS[stage] };
      await this.outcomes.publish(jobEvent('progress', this.record));
      return;
    }
    const current = await db.jobs.get(this.tenantId, this.jobId);
    if (current?.state !== 'running') throw new JobStopped(current);
    this.record = current;
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
