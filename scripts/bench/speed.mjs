#!/usr/bin/env node
// Speed and memory of the embedded renderer (issue: the 12.2 MP sunset photo,
// decode → render 4 attributes over 6 regions → JPEG q90 encode, against sharp's own
// decode → JPEG q90 encode of the same file in the same run: ratio ≤ 2.0; peak RSS ≤ 1.5 GB).
// The 6 regions are a colour/position k-means partition (k = 6) of the photo; every
// region gets all four attributes moved. Medians of RUNS runs after one warm-up each.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ATTRIBUTES, DEFAULT_CALIBRATION, clusterRegions, prepareImage, toWorkingSize } from '../../libs/imaging/dist/index.js';
import { RenderPool, renderParallel } from '../../libs/render-pool/dist/index.js';
import { root, sharp } from './common.mjs';

const RUNS = Number(process.env.SPEED_RUNS ?? 5);
const file = path.join(root, 'samples', 'sunset_by_Aitzol_Berasategi.jpg');
const input = readFileSync(file);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn) {
  await fn();
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return { median: median(ms), runs: ms };
}

async function decode() {
  const { data, info } = await sharp(input).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

export async function runSpeed() {
  const table = DEFAULT_CALIBRATION;
  const probe = await decode();
  const work = toWorkingSize(probe);
  const segmentation = { width: work.width, height: work.height, labels: clusterRegions(work, 6, { seed: 4, spatial: 2 }) };
  const asShot = prepareImage(probe, segmentation, table).regions;
  const deltas = [0.15, -0.12, 0.1, -0.08];
  const map = { regions: asShot.map((r, k) => ({ id: r.id, values: Object.fromEntries(ATTRIBUTES.map((a, i) => [a, Math.max(-0.9, Math.min(0.9, r.values[a] + deltas[(i + k) % 4]))])) })) };

  const pool = RenderPool.create();
  const baseline = await time(() => sharp(input).jpeg({ quality: 90 }).toBuffer());
  let report;
  const ours = await time(async () => {
    const image = await decode();
    const result = await renderParallel(pool, image, segmentation, map, table);
    report = result.report;
    const d = result.image.data;
    await sharp(Buffer.from(d.buffer, d.byteOffset, d.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  });
  await pool.close();
  const edited = report.regions.filter((r) => r.edited);
  const errors = edited.flatMap((r) => ATTRIBUTES.filter((a) => !r.clipped[a]).map((a) => Math.abs(r.achieved[a] - r.target[a])));
  return {
    photo: `${path.basename(file)} (${probe.width}×${probe.height}, ${((probe.width * probe.height) / 1e6).toFixed(1)} MP)`,
    regions: report.regions.length,
    threads: pool.threads,
    sharpDecodeEncodeMs: Math.round(baseline.median),
    renderPipelineMs: Math.round(ours.median),
    ratio: Number((ours.median / baseline.median).toFixed(2)),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    clippedPairs: edited.reduce((n, r) => n + ATTRIBUTES.filter((a) => r.clipped[a]).length, 0),
    maxErrorNotClipped: Number(Math.max(0, ...errors).toFixed(3)),
    runs: { sharp: baseline.runs.map(Math.round), ours: ours.runs.map(Math.round) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await runSpeed(), null, 2));
