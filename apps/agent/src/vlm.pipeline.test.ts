/**
 * The VLM in the pipeline (testing/pipeline.ts: real Redis, scratch Postgres, the
 * segmenter, the gpu-worker, the agent), against a local chat-completions server with
 * scripted answers (testing/chat-server.ts):
 *
 * - the parser sees the photo's preview and draws a box around an object the
 *   segmentation has no region for: the box becomes a prompted mask merged in as a
 *   region, and only that region is edited;
 * - the judge sees before/after previews; its "more" makes the next round stronger, its
 *   "satisfied" ends the job; when it fails, the measurements judge the round.
 */
import { ATTRIBUTE_NAMES, PARENT_JOB_FIELD, jobObjectKeys, objectKeys, pipelineJobIds, previewSize, QUEUE_NAMES, type RoundVerdict } from '@pertouch/contracts';
import type { TenantRecord } from '@pertouch/db';
import { createRuleParser } from '@pertouch/instructions';
import { Queue } from 'bullmq';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answer, completion, imagesOf, useChatServer } from '../../../libs/instructions/src/testing/chat-server.js';
import { REDIS_URL, samplePhoto, startPipeline, type Photo, type Pipeline } from './testing/pipeline.js';

const chat = useChatServer({ beforeAll, afterAll, beforeEach });
let photo: Photo;

beforeAll(async () => {
  // Larger than the preview (1024 px), so boxes drawn on the preview must be scaled back.
  photo = await samplePhoto('picosdeeuropa_by_Aitzol_Berasategi.jpg', 1200);
});

function vlmEnv(): Record<string, string> {
  return { PERTOUCH_VLM_URL: chat.server.url, PERTOUCH_VLM_MODEL: 'test-vlm', PERTOUCH_VLM_RETRIES: '0', PERTOUCH_VLM_TIMEOUT_MS: '5000' };
}

const PNG = { format: 'png', quality: 90 };

async function rgb(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function dataUrlBytes(url: string): Buffer {
  const match = /^data:image\/jpeg;base64,(.+)$/.exec(url);
  expect(match).not.toBeNull();
  return Buffer.from(match![1], 'base64');
}

describe('the VLM judge (parse by the rule engine)', () => {
  let pipeline: Pipeline;
  let t: TenantRecord;
  let imageId: string;

  beforeAll(async () => {
    pipeline = await startPipeline({ agentEnv: vlmEnv(), agentPorts: { parser: createRuleParser() } });
    t = await pipeline.tenant();
    imageId = await pipeline.image(t.id, photo);
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  let judgedJob: string;

  it('round 1 judged "more" by the VLM → round 2 asks more, the VLM is satisfied, round 2 is the result; it saw before/after previews', async () => {
    chat.server.repliesFor.judge.push(
      answer({ satisfied: false, reason: 'the sky is hardly brighter', adjust: [{ edit: 0, change: 'more' }] }),
      answer({ satisfied: true, reason: 'the sky is a little brighter, nothing else changed', adjust: [{ edit: 0, change: 'ok' }] }),
    );
    const jobId = await pipeline.submit(t, imageId, { instruction: 'brighten the sky a little', output: PNG });
    judgedJob = jobId;
    const job = await pipeline.finished(t, jobId);
    expect(job).toMatchObject({ state: 'succeeded', errorCode: null });
    const rounds = await pipeline.db.jobs.rounds(jobId);
    const reports = await pipeline.reports(jobId);
    expect(rounds.map((r) => r.verdict)).toEqual([
      expect.objectContaining({ satisfied: false, judge: 'vlm', adjust: [{ edit: 0, change: 'more' }], reason: expect.stringMatching(/^the sky is hardly brighter \(measured: .*sky brightness/) }),
      expect.objectContaining({ satisfied: true, judge: 'vlm' }),
    ] satisfies unknown[] as RoundVerdict[]);
    expect(job.resultKey).toBe(rounds[1].imageKey);

    // "more" scales the asked +0.1 by 1.5: round 2 lands on +0.15 (within the judge's band).
    const sky = (n: number) => reports[n].regions.find((r) => r.edited)!;
    const delta = (n: number) => sky(n).achieved.brightness - sky(n).asShot.brightness;
    expect(Math.abs(delta(0) - 0.1)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(delta(1) - 0.15)).toBeLessThanOrEqual(Math.max(0.03, 0.25 * 0.15));
    expect(sky(1).target.brightness).toBeGreaterThan(sky(0).target.brightness);

    // Two judge requests, each with the original's preview first and that round's preview second.
    const judged = chat.server.received.filter((r) => r.kind === 'judge');
    expect(judged).toHaveLength(2);
    const original = await pipeline.store.get(objectKeys.preview(t.id, imageId));
    const size = previewSize(photo.width, photo.height);
    expect(await sharp(original).metadata()).toMatchObject({ format: 'jpeg', width: size.width, height: size.height });
    for (const [i, request] of judged.entries()) {
      const [before, after] = imagesOf(request);
      expect(dataUrlBytes(before).equals(original)).toBe(true);
      expect(dataUrlBytes(after).equals(await pipeline.store.get(objectKeys.roundPreview(t.id, imageId, jobId, i + 1)))).toBe(true);
      expect(JSON.stringify(request.body.messages)).toContain('brighten the sky a little');
    }
    expect(chat.server.received.some((r) => r.kind === 'parse')).toBe(false);
  });

  it('a follow-up is judged against its parent’s result: "before" is the preview of the parent’s result round', async () => {
    chat.server.repliesFor.judge.push(answer({ satisfied: true, reason: 'a bit brighter again', adjust: [{ edit: 0, change: 'ok' }] }));
    const followId = await pipeline.submit(t, imageId, { instruction: 'a bit more', [PARENT_JOB_FIELD]: judgedJob, output: PNG });
    expect((await pipeline.finished(t, followId)).state).toBe('succeeded');
    const [request] = chat.server.received.filter((r) => r.kind === 'judge');
    const [before, after] = imagesOf(request);
    expect(dataUrlBytes(before).equals(await pipeline.store.get(objectKeys.roundPreview(t.id, imageId, judgedJob, 2)))).toBe(true);
    expect(dataUrlBytes(after).equals(await pipeline.store.get(objectKeys.roundPreview(t.id, imageId, followId, 1)))).toBe(true);
  });

  it('a judge that answers nonsense: the measurements judge the round, and the verdict says why', async () => {
    chat.server.repliesFor.judge.push(completion('looks fine to me!'));
    const jobId = await pipeline.submit(t, imageId, { instruction: 'brighten the sky a little', output: PNG });
    const job = await pipeline.finished(t, jobId);
    expect(job.state).toBe('succeeded');
    const [first] = await pipeline.db.jobs.rounds(jobId);
    expect(first.verdict).toMatchObject({ satisfied: true, judge: 'embedded', reason: expect.stringContaining('the VLM judge failed (invalid_json)') });
    expect(pipeline.logs).toContainEqual(expect.objectContaining({ event: 'job.vlm_judge_fallback', reason: 'invalid_json' }));
  });
});

describe('the VLM parser: an object found only by its box', () => {
  let pipeline: Pipeline;
  let t: TenantRecord;
  let imageId: string;

  beforeAll(async () => {
    pipeline = await startPipeline({ agentEnv: { ...vlmEnv(), PERTOUCH_VLM_JUDGE: 'false' } });
    t = await pipeline.tenant();
    imageId = await pipeline.image(t.id, photo);
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  let hutJob: string;

  it('"brighten the hut": the box (on the preview) → a merged region; only it is brightened', async () => {
    const size = previewSize(photo.width, photo.height);
    // A box in the preview's pixels, in the lower middle of the photo.
    const box = { x0: Math.round(size.width * 0.4), y0: Math.round(size.height * 0.6), x1: Math.round(size.width * 0.55), y1: Math.round(size.height * 0.8) };
    chat.server.repliesFor.parse.push(answer({ type: 'strong', edits: [{ region: 'hut', attribute: 'brightness', delta: 0.2, box }] }));
    const jobId = await pipeline.submit(t, imageId, { instruction: 'brighten the hut', output: PNG });
    hutJob = jobId;
    const job = await pipeline.finished(t, jobId);
    expect(job).toMatchObject({ state: 'succeeded', errorCode: null });

    // The parser saw the preview, and the plan keeps the box in the original's pixels.
    const [parse] = chat.server.received;
    const seen = await sharp(dataUrlBytes(imagesOf(parse)[0])).metadata();
    expect(seen).toMatchObject({ width: size.width, height: size.height });
    const plan = JSON.parse((await pipeline.store.get(jobObjectKeys.plan(t.id, imageId, jobId))).toString()) as { parser: string; edits: { box: Record<string, number> }[]; objects: unknown[] };
    expect(plan.parser).toBe('vlm');
    expect(plan.objects).toEqual([{ region: 'hut', box: plan.edits[0].box }]);
    const scale = photo.width / size.width;
    const original = plan.edits[0].box;
    expect(original.x0).toBeCloseTo(box.x0 * scale, -0.5);
    expect(original.y1).toBeCloseTo(box.y1 * (photo.height / size.height), -0.5);

    // The ground hop ran, and the result's map names the hut.
    const segmentQueue = new Queue(QUEUE_NAMES.segment, { connection: { url: REDIS_URL }, prefix: pipeline.prefix });
    expect(await segmentQueue.getJob(pipelineJobIds.ground(jobId, 1))).toBeDefined();
    await segmentQueue.close();
    const [round] = await pipeline.db.jobs.rounds(jobId);
    const hut = (round.map as { regions: { id: number; label?: string }[] }).regions.find((r) => r.label === 'hut');
    expect(hut).toBeDefined();
    const [report] = await pipeline.reports(jobId);
    const edited = report.regions.filter((r) => r.edited);
    expect(edited.map((r) => r.id)).toEqual([hut!.id]);
    expect(Math.abs(edited[0].achieved.brightness - edited[0].asShot.brightness - 0.2)).toBeLessThanOrEqual(0.05);
    for (const r of report.regions.filter((x) => !x.edited)) for (const a of ATTRIBUTE_NAMES) expect(Math.abs(r.achieved[a] - r.asShot[a])).toBeLessThanOrEqual(0.03);

    // Pixels: brighter inside the box; beyond it (plus 2 % of the diagonal) unchanged.
    const before = await rgb(photo.bytes);
    const after = await rgb(await pipeline.store.get(job.resultKey!));
    const margin = 0.02 * Math.hypot(before.width, before.height);
    let inside = 0;
    let insideCount = 0;
    let far = 0;
    let farCount = 0;
    for (let y = 0; y < before.height; y++) {
      for (let x = 0; x < before.width; x++) {
        const i = (y * before.width + x) * 3;
        const change = (after.data[i] + after.data[i + 1] + after.data[i + 2] - before.data[i] - before.data[i + 1] - before.data[i + 2]) / 3;
        const dx = Math.max(original.x0 - x, 0, x - original.x1);
        const dy = Math.max(original.y0 - y, 0, y - original.y1);
        if (dx === 0 && dy === 0) {
          inside += change;
          insideCount++;
        } else if (Math.hypot(dx, dy) > margin) {
          far += Math.abs(change);
          farCount++;
        }
      }
    }
    expect(inside / insideCount).toBeGreaterThan(2);
    expect(far / farCount).toBeLessThanOrEqual(1);
  });

  it('a follow-up on another region keeps the hut the parent brightened (the parent\'s objects are merged again)', async () => {
    chat.server.repliesFor.parse.push(answer({ type: 'strong', edits: [{ region: 'sky', attribute: 'brightness', delta: -0.1 }] }));
    const followId = await pipeline.submit(t, imageId, { instruction: 'a little darker sky', [PARENT_JOB_FIELD]: hutJob, output: PNG });
    const follow = await pipeline.finished(t, followId);
    expect(follow).toMatchObject({ state: 'succeeded', errorCode: null });
    const [parentReport] = await pipeline.reports(hutJob);
    const [report] = await pipeline.reports(followId);
    const [round] = await pipeline.db.jobs.rounds(followId);
    const hut = (round.map as { regions: { id: number; label?: string }[] }).regions.find((r) => r.label === 'hut')!;
    expect(hut).toBeDefined();
    const parentHut = parentReport.regions.find((r) => r.edited)!;
    expect(hut.id).toBe(parentHut.id);
    // Rendered to the parent's look again: the same shift from the same as-shot value.
    const again = report.regions.find((r) => r.id === hut.id)!;
    expect(again.target.brightness - again.asShot.brightness).toBeCloseTo(parentHut.target.brightness - parentHut.asShot.brightness, 6);
    const segmentQueue = new Queue(QUEUE_NAMES.segment, { connection: { url: REDIS_URL }, prefix: pipeline.prefix });
    expect(await segmentQueue.getJob(pipelineJobIds.ground(followId, 1))).toBeDefined();
    await segmentQueue.close();
  });

  it('a word the segmentation knows keeps its regions, box or not (no ground hop)', async () => {
    chat.server.repliesFor.parse.push(answer({ type: 'strong', edits: [{ region: 'sky', attribute: 'brightness', delta: 0.1, box: { x0: 0, y0: 0, x1: 100, y1: 50 } }] }));
    const jobId = await pipeline.submit(t, imageId, { instruction: 'brighten the sky a little', output: PNG });
    expect((await pipeline.finished(t, jobId)).state).toBe('succeeded');
    const segmentQueue = new Queue(QUEUE_NAMES.segment, { connection: { url: REDIS_URL }, prefix: pipeline.prefix });
    expect(await segmentQueue.getJob(pipelineJobIds.ground(jobId, 1))).toBeUndefined();
    await segmentQueue.close();
  });

  it('a VLM that fails: the rule engine parses, and an object it cannot place fails label_not_found', async () => {
    // No parse answer scripted: the server answers 500.
    const jobId = await pipeline.submit(t, imageId, { instruction: 'brighten the hut', output: PNG });
    const job = await pipeline.finished(t, jobId);
    expect(job).toMatchObject({ state: 'failed', errorCode: 'label_not_found' });
    expect(job.errorMessage).toContain('"hut"');
  });
});
