/**
 * Instruction jobs through the whole pipeline (testing/pipeline.ts: real Redis, scratch
 * Postgres with the scene memory's table, the segmenter, the gpu-worker, the agent):
 * strong edits judged and revised round by round, label_not_found, weak jobs from a
 * user's planted memory (the real Postgres repository of libs/memory), and follow-ups.
 */
import { ATTRIBUTE_NAMES, JobSceneDocumentSchema, PARENT_JOB_FIELD, QUEUE_NAMES, jobObjectKeys, pipelineJobIds, type AttributeName, type RenderReportDocument, type SegmentationDocument } from '@pertouch/contracts';
import type { JobRecord, JobRoundRecord, TenantRecord } from '@pertouch/db';
import { createMemoryRepository, recallPreferences, type MemoryRepository } from '@pertouch/memory';
import { resolveLabel } from '@pertouch/segmentation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedRenderEngine } from '../../gpu-worker/src/embedded-engine.js';
import type { RenderEngine } from '../../gpu-worker/src/engine.js';
import { DEFAULT_CALIBRATION } from '@pertouch/imaging';
import { samplePhoto, startPipeline, type Photo, type Pipeline } from './testing/pipeline.js';

/**
 * The embedded renderer, except that while `underDeliver` is set its report claims only
 * 60 % of every change it made — a renderer whose response the judge must learn.
 */
class Reluctant implements RenderEngine {
  readonly name = 'embedded' as const;
  readonly version = '1';
  underDeliver = false;
  private readonly inner = new EmbeddedRenderEngine({ table: DEFAULT_CALIBRATION, threads: 1 });
  available = async () => true;
  render: RenderEngine['render'] = async (...args) => {
    const rendered = await this.inner.render(...args);
    if (!this.underDeliver) return rendered;
    for (const r of rendered.report.regions) {
      for (const a of ATTRIBUTE_NAMES) r.achieved[a] = r.asShot[a] + 0.6 * (r.achieved[a] - r.asShot[a]);
    }
    return rendered;
  };
}

let pipeline: Pipeline;
let memory: MemoryRepository;
let photo: Photo;
const reluctant = new Reluctant();

beforeAll(async () => {
  // Picos de Europa: sky (in the middle of the range), clouds, vegetation, ground — and no
  // car, nor a salient subject (a thing word with no region of its own would fall back to
  // the subject, libs/segmentation's resolveLabel).
  photo = await samplePhoto('picosdeeuropa_by_Aitzol_Berasategi.jpg', 480);
  pipeline = await startPipeline({ memory: (url) => createMemoryRepository({ DATABASE_URL: url }), renderEngines: [reluctant] });
  memory = pipeline.memory!;
});

afterAll(async () => {
  await pipeline?.close();
});

interface Done {
  readonly job: JobRecord;
  readonly rounds: JobRoundRecord[];
  readonly reports: RenderReportDocument[];
  readonly document: SegmentationDocument;
}

async function run(t: TenantRecord, imageId: string, request: Record<string, unknown>, userId?: string): Promise<Done> {
  const jobId = await pipeline.submit(t, imageId, request, userId ? { userId } : {});
  const job = await pipeline.finished(t, jobId);
  const rounds = await pipeline.db.jobs.rounds(jobId);
  return { job, rounds, reports: await pipeline.reports(jobId), document: await pipeline.segmentationOf(t.id) };
}

/** The round the job's result is. */
function resultRound(done: Done): { round: JobRoundRecord; report: RenderReportDocument } {
  const i = done.rounds.findIndex((r) => r.imageKey === done.job.resultKey);
  expect(i).toBeGreaterThanOrEqual(0);
  return { round: done.rounds[i], report: done.reports[i] };
}

/** The report's region of every region the label names (they render as one, under the first id). */
function regionOf(done: Done, report: RenderReportDocument, label: string) {
  const ids = resolveLabel(done.document, label);
  expect(ids.length).toBeGreaterThan(0);
  const region = report.regions.find((r) => r.id === Math.min(...ids));
  expect(region?.edited).toBe(true);
  return region!;
}

/** Every region without a target kept its as-shot values (within the judge's 0.03). */
function expectRestUnchanged(report: RenderReportDocument): void {
  const untouched = report.regions.filter((r) => !r.edited);
  expect(untouched.length).toBeGreaterThan(0);
  for (const r of untouched) for (const a of ATTRIBUTE_NAMES) expect(Math.abs(r.achieved[a] - r.asShot[a])).toBeLessThanOrEqual(0.03);
}

function expectDelta(region: { asShot: Record<AttributeName, number>; achieved: Record<AttributeName, number> }, attribute: AttributeName, requested: number): void {
  const achieved = region.achieved[attribute] - region.asShot[attribute];
  expect(Math.abs(achieved - requested)).toBeLessThanOrEqual(Math.max(0.03, 0.25 * Math.abs(requested)));
}

describe('strong instructions (judged, revised, every round kept)', () => {
  let t: TenantRecord;
  let imageId: string;
  let brighter: Done;

  beforeAll(async () => {
    t = await pipeline.tenant();
    imageId = await pipeline.image(t.id, photo);
  });

  it('"brighten the sky a little": succeeded in ≤ 3 rounds, the sky +0.1 within the band, the rest unchanged, verdicts saved', async () => {
    brighter = await run(t, imageId, { instruction: 'brighten the sky a little', output: { format: 'png', quality: 90 } });
    expect(brighter.job).toMatchObject({ state: 'succeeded', errorCode: null });
    expect(brighter.rounds.length).toBeGreaterThanOrEqual(1);
    expect(brighter.rounds.length).toBeLessThanOrEqual(3);
    for (const r of brighter.rounds) expect(r.verdict).toMatchObject({ satisfied: expect.any(Boolean), reason: expect.stringContaining('sky brightness') });
    const { round, report } = resultRound(brighter);
    expect(round.verdict?.satisfied).toBe(true);
    expectDelta(regionOf(brighter, report, 'sky'), 'brightness', 0.1);
    // Only brightness was asked: the sky's other values stay where they were.
    const sky = regionOf(brighter, report, 'sky');
    for (const a of ['colorfulness', 'contrast', 'temperature'] as const) expect(sky.target[a]).toBe(sky.asShot[a]);
    expectRestUnchanged(report);
    // The plan (the parse) is stored next to the rounds; the scene (for feedback) only for a job with a user.
    const plan = JSON.parse((await pipeline.store.get(jobObjectKeys.plan(t.id, imageId, brighter.job.id))).toString()) as { parser: string; edits: unknown[] };
    expect(plan).toMatchObject({ parser: 'rules', edits: [{ region: 'sky', attribute: 'brightness', delta: 0.1 }] });
    expect(await pipeline.store.exists(jobObjectKeys.scene(t.id, imageId, brighter.job.id))).toBe(false);
    const mine = await run(t, imageId, { instruction: 'brighten the sky a little', output: { format: 'png', quality: 90 } }, 'ana');
    expect(mine.job.state).toBe('succeeded');
    const mineResult = resultRound(mine);
    const scene = JobSceneDocumentSchema.parse(JSON.parse((await pipeline.store.get(jobObjectKeys.scene(t.id, imageId, mine.job.id))).toString()));
    expect(scene).toMatchObject({ jobId: mine.job.id, round: mineResult.round.n, scene: { kind: 'embedded-v1' } });
    expect(scene.confirmed.labels.sky.brightness).toBeCloseTo(regionOf(mine, mineResult.report, 'sky').target.brightness, 3);
  });

  it('"make the sky much darker": −0.4 within the band', async () => {
    const darker = await run(t, imageId, { instruction: 'make the sky much darker' });
    expect(darker.job.state).toBe('succeeded');
    expect(darker.rounds.length).toBeLessThanOrEqual(3);
    const { round, report } = resultRound(darker);
    expect(round.verdict?.satisfied).toBe(true);
    expectDelta(regionOf(darker, report, 'sky'), 'brightness', -0.4);
    expectRestUnchanged(report);
  });

  it('a region the photo does not have ("brighten the car") fails label_not_found listing its labels, with no round', async () => {
    const car = await run(t, imageId, { instruction: 'brighten the car' });
    expect(car.job).toMatchObject({ state: 'failed', errorCode: 'label_not_found' });
    expect(car.job.errorMessage).toMatch(/"car".*labels in this image: .*sky.*vegetation/);
    expect(car.rounds).toEqual([]);
    expect(car.job.resultKey).toBeNull();
  });

  it('a renderer that under-delivers: the judge revises (secant step) and round 2 lands in the band; hops render-{jobId}-{n}', async () => {
    reluctant.underDeliver = true;
    let done: Done;
    try {
      done = await run(t, imageId, { instruction: 'brighten the vegetation a little' });
    } finally {
      reluctant.underDeliver = false;
    }
    expect(done.job.state).toBe('succeeded');
    expect(done.rounds.map((r) => r.n)).toEqual([1, 2]);
    expect(done.rounds[0].verdict).toMatchObject({ satisfied: false, reason: expect.stringContaining('revising the targets') });
    expect(done.rounds[1].verdict?.satisfied).toBe(true);
    expect(done.job.resultKey).toBe(done.rounds[1].imageKey);
    const [first, second] = done.reports.map((r) => regionOf(done, r, 'vegetation'));
    // The second target asks for more than the first: 0.1 more, divided by the 0.6 response.
    expect(second.target.brightness - first.target.brightness).toBeCloseTo((first.asShot.brightness + 0.1 - first.achieved.brightness) / 0.6, 2);
    expectDelta(second, 'brightness', 0.1);
    // Each round was its own hop, a child of the agent job.
    const children = Object.keys((await (await pipeline.agentQueue.getJob(done.job.id))!.getChildrenValues()) ?? {});
    for (const n of [1, 2]) expect(children).toContain(`${pipeline.prefix}:${QUEUE_NAMES.render}:${pipelineJobIds.render(done.job.id, n)}`);
    expect(children.filter((k) => k.includes(':render:render-'))).toHaveLength(2);
  });

  it('a follow-up "a bit more" starts from the parent’s result: the sky ends +0.2 from the photo as shot', async () => {
    const more = await run(t, imageId, { instruction: 'a bit more', [PARENT_JOB_FIELD]: brighter.job.id, output: { format: 'png', quality: 90 } });
    expect(more.job.state).toBe('succeeded');
    // The parent measured this sky group: round 1 starts from its exact values and lands.
    expect(more.rounds).toHaveLength(1);
    const { round, report } = resultRound(more);
    expect(round.verdict?.satisfied).toBe(true);
    const sky = regionOf(more, report, 'sky');
    const parentSky = regionOf(brighter, resultRound(brighter).report, 'sky');
    expect(sky.asShot.brightness).toBeCloseTo(parentSky.asShot.brightness, 6);
    // The new target is the parent's plus 0.1 (the judge measured from the parent's target).
    expect(sky.target.brightness).toBeGreaterThan(parentSky.target.brightness + 0.05);
    expectDelta(sky, 'brightness', 0.2);
    expectRestUnchanged(report);
    const plan = JSON.parse((await pipeline.store.get(jobObjectKeys.plan(t.id, imageId, more.job.id))).toString()) as { parser: string; edits: unknown[] };
    expect(plan).toMatchObject({ parser: 'follow-up', edits: [{ region: 'sky', attribute: 'brightness', delta: 0.1 }] });
  });

  it('"a bit more" without a parent fails instruction_not_supported, saying how to ask', async () => {
    const alone = await run(t, imageId, { instruction: 'a bit more' });
    expect(alone.job).toMatchObject({ state: 'failed', errorCode: 'instruction_not_supported', errorMessage: expect.stringContaining('follow-up') });
  });
});

describe('weak instructions (scene memory)', () => {
  it('no userId: the automatic look (the whole photo to 0 as one region)', async () => {
    const t = await pipeline.tenant();
    const done = await run(t, await pipeline.image(t.id, photo), { instruction: 'optimize this photo' });
    expect(done.job.state).toBe('succeeded');
    expect(done.rounds).toHaveLength(1);
    expect(done.rounds[0].verdict).toBeNull();
    expect(done.rounds[0].map).toMatchObject({ wholeImage: true, regions: [{ id: 0, values: { colorfulness: 0, contrast: 0, temperature: 0, brightness: 0 } }] });
  });

  it('a user with planted memory gets those values per label (what libs/memory estimates), the rest the global ones', async () => {
    const t = await pipeline.tenant();
    const imageId = await pipeline.image(t.id, photo);
    // A first job gives the scene descriptor of this photo; the user "confirmed" a cool, dark sky on it.
    const first = await run(t, imageId, { auto: true }, 'ana');
    const scene = JobSceneDocumentSchema.parse(JSON.parse((await pipeline.store.get(jobObjectKeys.scene(t.id, imageId, first.job.id))).toString()));
    const features = { kind: scene.scene.kind, vector: Float32Array.from(scene.scene.vector), labels: scene.scene.labels };
    await memory.remember({ tenantId: t.id, userId: 'ana', jobId: first.job.id, features, global: { contrast: 0.3 }, labels: { sky: { brightness: -0.5, temperature: -0.4 } } });

    const weak = await run(t, imageId, { instruction: 'the way I usually like' }, 'ana');
    expect(weak.job.state).toBe('succeeded');
    expect(weak.rounds).toHaveLength(1);
    const map = weak.rounds[0].map as { wholeImage?: boolean; regions: { id: number; label?: string; values: Record<AttributeName, number> }[] };
    expect(map.wholeImage).toBeUndefined();
    const expected = await recallPreferences(memory, { tenantId: t.id, userId: 'ana', features }, { k: 10 });
    const sky = map.regions.find((r) => r.label === 'sky')!;
    const rest = map.regions.find((r) => r.label === 'rest')!;
    for (const a of ATTRIBUTE_NAMES) {
      expect(sky.values[a]).toBeCloseTo(expected.labels.sky[a]!, 9);
      expect(rest.values[a]).toBeCloseTo(expected.global[a]!, 9);
    }
    // The planted direction survives the shrinkage toward neutral.
    expect(sky.values.brightness).toBeLessThan(-0.25);
    expect(sky.values.temperature).toBeLessThan(-0.2);
    expect(rest.values.contrast).toBeGreaterThan(0.15);
    // …and the renderer was asked for exactly those values.
    const report = weak.reports[0];
    expect(report.regions.find((r) => r.id === sky.id)?.target.brightness).toBeCloseTo(sky.values.brightness, 9);

    // `auto` for the same user is the weak request in structured form: the same look.
    const auto = await run(t, imageId, { auto: true }, 'ana');
    const autoMap = auto.rounds[0].map as typeof map;
    expect(autoMap.regions.find((r) => r.label === 'sky')?.values).toEqual(sky.values);

    // Another user of the same tenant has no memory: the automatic look.
    const other = await run(t, imageId, { instruction: 'auto' }, 'ben');
    expect(other.rounds[0].map).toMatchObject({ wholeImage: true });
  });
});
