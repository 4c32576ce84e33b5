#!/usr/bin/env node
// The speed benchmark's pipeline (speed.mjs) for this checkout against another one, in one
// process, alternating: on a shared or noisy machine, two separate runs of speed.mjs differ
// by more than most changes do, while renders interleaved in one process see the same
// conditions. Both checkouts must be built (`npm run build`).
//   node scripts/bench/speed-compare.mjs OTHER_CHECKOUT [ROUNDS]
// Per round: sharp's baseline (decode → JPEG q90), then each renderer's full pipeline
// (decode → render → encode), then each render alone with its CPU time (all threads).
// Prints medians: the pipeline's ratio to the baseline, render wall and CPU time. On the
// development machine one run of 12 rounds of a commit against itself reads within
// ≈ 5 % (pipeline) and ≈ 10 % (render): repeat it before trusting a smaller difference.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ATTRIBUTES, DEFAULT_CALIBRATION, clusterRegions, prepareImage, toWorkingSize } from '../../libs/imaging/dist/index.js';
import { root, sharp } from './common.mjs';

const [otherArg, roundsArg] = process.argv.slice(2);
if (!otherArg) {
  console.error('usage: node scripts/bench/speed-compare.mjs OTHER_CHECKOUT [ROUNDS]');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 12);
const load = async (dir) => ({
  dir,
  imaging: await import(path.join(path.resolve(dir), 'libs/imaging/dist/index.js')),
  pool: await import(path.join(path.resolve(dir), 'libs/render-pool/dist/index.js')),
});
const sides = [await load(otherArg), await load(root)];

const input = readFileSync(path.join(root, 'samples', 'sunset_by_Aitzol_Berasategi.jpg'));
async function decode() {
  const { data, info } = await sharp(input).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
// The same six regions and targets as speed.mjs.
const probe = await decode();
const work = toWorkingSize(probe);
const segmentation = { width: work.width, height: work.height, labels: clusterRegions(work, 6, { seed: 4, spatial: 2 }) };
const deltas = [0.15, -0.12, 0.1, -0.08];
const map = {
  regions: prepareImage(probe, segmentation, DEFAULT_CALIBRATION).regions.map((r, k) => ({
    id: r.id,
    values: Object.fromEntries(ATTRIBUTES.map((a, i) => [a, Math.max(-0.9, Math.min(0.9, r.values[a] + deltas[(i + k) % 4]))])),
  })),
};

const pools = sides.map((s) => s.pool.RenderPool.create());
const render = (k, image) => sides[k].pool.renderParallel(pools[k], image, segmentation, map, sides[k].imaging.DEFAULT_CALIBRATION);
const samples = { sharp: [], pipeline: [[], []], wall: [[], []], cpu: [[], []] };
for (let round = 0; round <= rounds; round++) {
  let t = performance.now();
  await sharp(input).jpeg({ quality: 90 }).toBuffer();
  const baseline = performance.now() - t;
  // Each round swaps who goes first (a render leaves work behind: its pool maps a spare buffer, the heap collects).
  const order = round % 2 === 0 ? [0, 1] : [1, 0];
  const pipeline = [];
  for (const k of order) {
    t = performance.now();
    const image = await decode();
    const d = (await render(k, image)).image.data;
    await sharp(Buffer.from(d.buffer, d.byteOffset, d.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    pipeline[k] = performance.now() - t;
  }
  const alone = [];
  for (const k of order) {
    const image = await decode();
    const cpu = process.cpuUsage();
    t = performance.now();
    await render(k, image);
    const used = process.cpuUsage(cpu);
    alone[k] = [performance.now() - t, (used.user + used.system) / 1000];
  }
  if (round === 0) continue; // warm-up
  samples.sharp.push(baseline);
  for (let k = 0; k < 2; k++) {
    samples.pipeline[k].push(pipeline[k]);
    samples.wall[k].push(alone[k][0]);
    samples.cpu[k].push(alone[k][1]);
  }
}
await Promise.all(pools.map((p) => p.close()));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sharpMs = median(samples.sharp);
const report = (k) => ({
  checkout: sides[k].dir,
  pipelineMs: Math.round(median(samples.pipeline[k])),
  ratio: Number((median(samples.pipeline[k]) / sharpMs).toFixed(2)),
  renderMs: Math.round(median(samples.wall[k])),
  renderCpuMs: Math.round(median(samples.cpu[k])),
});
const [other, ours] = [report(0), report(1)];
console.log(
  JSON.stringify(
    {
      rounds,
      sharpDecodeEncodeMs: Math.round(sharpMs),
      other,
      this: ours,
      thisOverOther: { pipeline: Number((ours.pipelineMs / other.pipelineMs).toFixed(3)), render: Number((ours.renderMs / other.renderMs).toFixed(3)), renderCpu: Number((ours.renderCpuMs / other.renderCpuMs).toFixed(3)) },
    },
    null,
    2,
  ),
);
