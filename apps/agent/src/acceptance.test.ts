/**
 * Acceptance of strong instructions (the agent issue), end to end through the real
 * pipeline (testing/pipeline.ts) on sample photos reduced to about 1 MP:
 *
 * - "brighten the sky a little", "make the sky much darker" on photos with sky, "more
 *   saturated vegetation" on photos with vegetation, "warmer skin" on photos with skin;
 * - **band**: in the result round, the measured change of the target region — the report's
 *   achieved − as-shot, on all the region's segments rendered as one — lies within the
 *   requested delta ± max(0.03, 25 %), the request clamped to [-1, 1] like the agent's,
 *   after ≤ 3 rounds, in ≥ 90 % of the cases;
 * - **locality** (BENCHMARKS.md, scripts/bench/locality.mjs): pixels further than 2 % of the
 *   diagonal from the target region change by ≤ 1/255 on average and ≤ 3/255 at the 99th
 *   percentile (output PNG against the decoded original), in every case.
 *
 * "skin" exists only with the segmentation's optional person models (`npm run models`,
 * PERTOUCH_MODELS_DIR): without them that case is skipped — and says so — while the others
 * run.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AttributeName, SegmentationDocument } from '@pertouch/contracts';
import type { JobRecord, TenantRecord } from '@pertouch/db';
import { distanceToRegion } from '@pertouch/imaging';
import { createEngine, defaultModelsDir } from '@pertouch/segmentation';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveWithVocabulary } from './labels.js';
import { samplePhoto, startPipeline, type Pipeline } from './testing/pipeline.js';

interface Case {
  readonly instruction: string;
  readonly label: string;
  readonly attribute: AttributeName;
  readonly delta: number;
  readonly photos: readonly string[];
}

const CASES: readonly Case[] = [
  { instruction: 'brighten the sky a little', label: 'sky', attribute: 'brightness', delta: 0.1, photos: ['picosdeeuropa_by_Aitzol_Berasategi.jpg', 'sunset_by_Aitzol_Berasategi.jpg', 'Bridge_by_Sander_Klootwijk.jpg', 'Dragonfly_by_Bolly.jpg', 'friends_by_Aitzol_Berasategi.jpg'] },
  { instruction: 'make the sky much darker', label: 'sky', attribute: 'brightness', delta: -0.4, photos: ['picosdeeuropa_by_Aitzol_Berasategi.jpg', 'sunset_by_Aitzol_Berasategi.jpg', 'Bridge_by_Sander_Klootwijk.jpg', 'Dragonfly_by_Bolly.jpg', 'friends_by_Aitzol_Berasategi.jpg'] },
  { instruction: 'more saturated vegetation', label: 'vegetation', attribute: 'colorfulness', delta: 0.2, photos: ['aitzgorri_by_Aitzol_Berasategi.jpg', 'analogpattern_by_Peter_Nerlich.jpg', 'life_by_Aitzol_Berasategi.jpg', 'seeding_by_Clements_Engelhardt.jpg', 'Wine_by_Jakkub_Mede.jpg'] },
];
/** Portraits and group photos; the case runs on those whose segmentation has skin. */
const SKIN: Case = { instruction: 'warmer skin', label: 'skin', attribute: 'temperature', delta: 0.2, photos: ['skimage_astronaut.png', 'friends_by_Aitzol_Berasategi.jpg', 'Picture_0B_by_freespace.jpg', 'umang_by_Abhishek_Mudgal.jpg'] };
/** "skin" comes from the person models (selfie or centernet; libs/segmentation's embedded engine). */
const PERSON_MODELS = [path.join('selfie', 'selfie.json'), path.join('centernet', 'centernet.json')];
const modelsDir = defaultModelsDir();
const hasPersonModel = PERSON_MODELS.some((file) => existsSync(path.join(modelsDir, file)));

const LONG_SIDE = 1200;
const MAX_ROUNDS = 3;

interface Outcome {
  readonly photo: string;
  readonly c: Case;
  readonly job: JobRecord;
  readonly rounds: number;
  readonly requested?: number;
  readonly achieved?: number;
  readonly inBand: boolean;
  readonly meanDiff?: number;
  readonly p99Diff?: number;
  readonly note?: string;
}

let pipeline: Pipeline;
let tenant: TenantRecord;
const outcomes: Outcome[] = [];

beforeAll(async () => {
  pipeline = await startPipeline({
    agentEnv: { AGENT_MAX_ROUNDS: String(MAX_ROUNDS) },
    // The segmenter as configured (PERTOUCH_MODELS_DIR, PERTOUCH_MODELS): with the person models it labels skin.
    segmentEngine: await createEngine('embedded', process.env),
  });
  tenant = await pipeline.tenant(8);
}, 120_000);

afterAll(async () => {
  if (outcomes.length > 0) {
    const rows = outcomes.map((o) => `${o.inBand ? 'ok  ' : 'MISS'} ${o.c.instruction.padEnd(26)} ${o.photo.padEnd(40)} rounds ${o.rounds}  asked ${fmt(o.requested)} got ${fmt(o.achieved)}  far mean ${o.meanDiff?.toFixed(3) ?? '-'}/255 p99 ${o.p99Diff ?? '-'}/255${o.note ? `  (${o.note})` : ''}`);
    console.log(`acceptance: ${outcomes.filter((o) => o.inBand).length}/${outcomes.length} in band (${((100 * outcomes.filter((o) => o.inBand).length) / outcomes.length).toFixed(0)} %)\n${rows.join('\n')}`);
  }
  await pipeline?.close();
}, 60_000);

const fmt = (x: number | undefined) => (x === undefined ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(3)}`);

async function runCase(c: Case, photoFile: string): Promise<Outcome | undefined> {
  const photo = await samplePhoto(photoFile, LONG_SIDE);
  const imageId = await pipeline.image(tenant.id, photo);
  const jobId = await pipeline.submit(tenant, imageId, { instruction: c.instruction, output: { format: 'png', quality: 90 } });
  const job = await pipeline.finished(tenant, jobId, 180_000);
  const document = await segmentationOfJob(job);
  // Only photos where the models found skin: elsewhere "skin" would fall back to the subject.
  if (c === SKIN && !document.regions.some((r) => r.label === 'skin')) return undefined;
  const rounds = await pipeline.db.jobs.rounds(jobId);
  if (job.state !== 'succeeded') return { photo: photoFile, c, job, rounds: rounds.length, inBand: false, note: `${job.errorCode}: ${job.errorMessage}` };
  const index = rounds.findIndex((r) => r.imageKey === job.resultKey);
  const report = (await pipeline.reports(jobId))[index];
  const ids = await resolveWithVocabulary(document, c.label);
  const region = report.regions.find((r) => r.id === Math.min(...ids))!;
  const requested = Math.max(-1, Math.min(1, region.asShot[c.attribute] + c.delta)) - region.asShot[c.attribute];
  const achieved = region.achieved[c.attribute] - region.asShot[c.attribute];
  const inBand = rounds.length <= MAX_ROUNDS && Math.abs(achieved - requested) <= Math.max(0.03, 0.25 * Math.abs(requested));
  const locality = await farChange(photo.bytes, await pipeline.store.get(job.resultKey!), await pipeline.store.get(document.labelsKey), ids);
  return { photo: photoFile, c, job, rounds: rounds.length, requested, achieved, inBand, ...locality, note: rounds.at(index)?.verdict?.reason.slice(0, 160) };
}

/** The segmentation of a job's image (the segmenter caches it per tenant and content). */
async function segmentationOfJob(job: JobRecord): Promise<SegmentationDocument> {
  const child = (await (await pipeline.agentQueue.getJob(job.id))!.getChildrenValues()) ?? {};
  const segment = Object.entries(child).find(([key]) => key.includes(':segment:'))![1] as { segmentationKey: string };
  return JSON.parse((await pipeline.store.get(segment.segmentationKey)).toString()) as SegmentationDocument;
}

/** Mean and 99th percentile of |Δ| (0..255, per channel) over pixels further than 2 % of the diagonal from the target region. */
async function farChange(original: Buffer, result: Buffer, labelsPng: Buffer, ids: readonly number[]): Promise<{ meanDiff: number; p99Diff: number }> {
  const before = await sharp(original).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const after = await sharp(result).removeAlpha().raw().toBuffer();
  const { width: W, height: H } = before.info;
  const labels = await sharp(labelsPng).extractChannel(0).resize(W, H, { fit: 'fill', kernel: 'nearest' }).raw().toBuffer();
  const mask = new Uint8Array(W * H);
  for (let i = 0; i < mask.length; i++) mask[i] = ids.includes(labels[i]) ? 1 : 0;
  const distance = distanceToRegion(mask, W, H, 1);
  const far = 0.02 * Math.hypot(W, H);
  const histogram = new Float64Array(256);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < W * H; i++) {
    if (distance[i] <= far) continue;
    for (let ch = 0; ch < 3; ch++) {
      const diff = Math.abs(after[3 * i + ch] - before.data[3 * i + ch]);
      histogram[diff]++;
      sum += diff;
      n++;
    }
  }
  let seen = 0;
  let p99 = 0;
  for (let k = 0; k < 256; k++) {
    seen += histogram[k];
    if (seen >= 0.99 * n) {
      p99 = k;
      break;
    }
  }
  return { meanDiff: n ? sum / n : 0, p99Diff: p99 };
}

describe('acceptance: strong edits on the sample photos (≈ 1 MP, ≤ 3 rounds)', () => {
  for (const c of CASES) {
    for (const photo of c.photos) {
      it(`"${c.instruction}" on ${photo}`, async () => {
        const outcome = (await runCase(c, photo))!;
        outcomes.push(outcome);
        expect(outcome.job.state, outcome.note).toBe('succeeded');
        expect(outcome.rounds).toBeLessThanOrEqual(MAX_ROUNDS);
        expect(outcome.meanDiff!).toBeLessThanOrEqual(1);
        expect(outcome.p99Diff!).toBeLessThanOrEqual(3);
      }, 180_000);
    }
  }

  it.skipIf(!hasPersonModel)(`"${SKIN.instruction}" on the photos with skin (needs the person models in ${modelsDir})`, async () => {
    const ran: Outcome[] = [];
    for (const photo of SKIN.photos) {
      const outcome = await runCase(SKIN, photo);
      if (!outcome) continue;
      ran.push(outcome);
      outcomes.push(outcome);
      expect(outcome.job.state, outcome.note).toBe('succeeded');
      expect(outcome.meanDiff!).toBeLessThanOrEqual(1);
      expect(outcome.p99Diff!).toBeLessThanOrEqual(3);
    }
    expect(ran.length, 'no sample photo was segmented with skin').toBeGreaterThan(0);
  }, 300_000);

  it('the measured change lands in the requested band in ≥ 90 % of the cases', () => {
    if (!hasPersonModel) console.warn(`acceptance: "warmer skin" SKIPPED — no person model (selfie or centernet) in ${modelsDir}; run \`npm run models\` to include it`);
    expect(outcomes.length).toBeGreaterThanOrEqual(CASES.reduce((n, c) => n + c.photos.length, 0));
    const share = outcomes.filter((o) => o.inBand).length / outcomes.length;
    expect(share, outcomes.filter((o) => !o.inBand).map((o) => `${o.c.instruction} on ${o.photo}: asked ${fmt(o.requested)}, got ${fmt(o.achieved)} (${o.note})`).join('; ')).toBeGreaterThanOrEqual(0.9);
  });
});
