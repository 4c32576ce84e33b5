#!/usr/bin/env node
/**
 * The platform's benchmarks (issue 4), each on a scratch stack of separate processes:
 *
 * - gateway: requests/s and p50/p99 latency of `GET /v1/jobs/{id}` and `POST /v1/jobs`
 *   under autocannon on loopback (gateway only, so created jobs just wait in Redis);
 * - pipeline: a 1 MP `auto` job end to end, one at a time: p50/p99 latency, and the part
 *   spent outside segment/analyse/render (queues + orchestration; target ≤ 50 ms/job):
 *   creation → finish minus the processing time of the job's BullMQ hops;
 * - agent: instruction jobs — weak ("optimize" from a user's memory) and strong with
 *   rethinking ("brighten the sky a little") — p50/p99 end to end;
 * - batch: 200 photos (0.5 MP… see BATCH_MP) through `POST /v1/batches`, images/min with
 *   1 and 2 gpu-worker processes.
 *
 * Prints JSON. Environment: PLATFORM_BENCH_PARTS (gateway,pipeline,batch), PIPELINE_JOBS
 * (default 30), BATCH_SIZE (200), BATCH_MP (1), AUTOCANNON_SECONDS (10), AUTOCANNON_CONNECTIONS (32).
 */
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { apiClient } from '../stack/client.mjs';
import { startScratchStack } from '../stack/scratch.mjs';
import { testPhotos } from '../../tests/e2e/photos.mjs';
import { percentile } from './common.mjs';

const parts = (process.env.PLATFORM_BENCH_PARTS ?? 'gateway,pipeline,agent,batch').split(',');
const AGENT_JOBS = Number(process.env.AGENT_JOBS ?? 12);
const PIPELINE_JOBS = Number(process.env.PIPELINE_JOBS ?? 30);
const BATCH_SIZE = Number(process.env.BATCH_SIZE ?? 200);
const BATCH_MP = Number(process.env.BATCH_MP ?? 1);
const SECONDS = Number(process.env.AUTOCANNON_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.AUTOCANNON_CONNECTIONS ?? 32);
const log = (...a) => console.error('bench:', ...a);
const round1 = (x) => Math.round(x * 10) / 10;

async function withStack(options, fn) {
  const stack = await startScratchStack({ name: 'bench-platform', ...options });
  try {
    const { key } = await stack.tenant('bench', ['--rate-limit', '1000000', '--max-running', '64']);
    return await fn(stack, key, apiClient(stack.baseUrl, key));
  } finally {
    await stack.destroy();
  }
}

function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ duration: SECONDS, connections: CONNECTIONS, ...opts }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}
const summary = (r) => ({
  requestsPerSecond: Math.round(r.requests.average),
  p50Ms: r.latency.p50,
  p99Ms: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
  requests: r.requests.total,
});

async function benchGateway() {
  return withStack({ apps: ['gateway'] }, async (stack, key, api) => {
    const [photo] = await testPhotos(1);
    const image = await api.uploadImage(photo.bytes);
    const job = await api.createJob({ imageId: image.id, auto: true });
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    log(`gateway: GET /v1/jobs/{id}, ${CONNECTIONS} connections, ${SECONDS} s`);
    const get = await cannon({ url: `${stack.baseUrl}/v1/jobs/${job.id}`, headers });
    log(`gateway: POST /v1/jobs`);
    const post = await cannon({ url: `${stack.baseUrl}/v1/jobs`, method: 'POST', headers, body: JSON.stringify({ imageId: image.id, auto: true }) });
    return { connections: CONNECTIONS, seconds: SECONDS, getJob: summary(get), postJob: summary(post) };
  });
}

async function benchPipeline() {
  return withStack({}, async (stack, _key, api) => {
    const { QUEUE_NAMES, pipelineJobIds } = await import('../../libs/contracts/dist/index.js');
    const connection = { url: stack.env.REDIS_URL };
    const prefix = stack.env.PERTOUCH_QUEUE_PREFIX;
    const segmentQueue = new Queue(QUEUE_NAMES.segment, { connection, prefix });
    const renderQueue = new Queue(QUEUE_NAMES.render, { connection, prefix });
    try {
      // Every measured job gets bytes of its own, so none is served from the segmenter's cache.
      const photos = await testPhotos(PIPELINE_JOBS + 1, 1);
      const images = [];
      for (const photo of photos) images.push(await api.uploadImage(photo.bytes));
      await api.waitForJob((await api.createJob({ imageId: images[0].id, auto: true })).id); // warm-up
      const rows = [];
      for (let i = 1; i <= PIPELINE_JOBS; i++) {
        const t0 = performance.now();
        const created = await api.createJob({ imageId: images[i].id, auto: true });
        const job = await api.waitForJob(created.id, { intervalMs: 5 });
        const wall = performance.now() - t0;
        if (job.state !== 'succeeded') throw new Error(`pipeline job ${job.id}: ${job.state} ${job.error?.code}`);
        // Work = the time the segmenter and the gpu-worker spent processing this job's hops
        // (BullMQ's processedOn → finishedOn); the rest of creation → finish is queues and orchestration.
        const hops = await Promise.all([
          segmentQueue.getJob(pipelineJobIds.segment(job.id)),
          renderQueue.getJob(pipelineJobIds.analyse(job.id)),
          renderQueue.getJob(pipelineJobIds.render(job.id, 1)),
        ]);
        if (hops.some((h) => !h?.processedOn || !h?.finishedOn)) throw new Error(`pipeline job ${job.id}: a hop is missing from Redis`);
        const [segment, analyse, render] = hops.map((h) => h.finishedOn - h.processedOn);
        const total = Date.parse(job.finishedAt) - Date.parse(job.createdAt);
        rows.push({ wall, total, segment, analyse, render, overhead: total - segment - analyse - render });
      }
      const stats = (k) => ({ p50: round1(percentile(rows.map((r) => r[k]), 50)), p99: round1(percentile(rows.map((r) => r[k]), 99)) });
      return {
        jobs: rows.length,
        megapixels: 1,
        latencyMs: stats('total'),
        clientWallMs: stats('wall'),
        segmentMs: stats('segment'),
        analyseMs: stats('analyse'),
        renderMs: stats('render'),
        outsideSegmentAndRenderMs: stats('overhead'),
      };
    } finally {
      await segmentQueue.close();
      await renderQueue.close();
    }
  });
}

async function benchBatch(renderWorkers) {
  return withStack({ replicas: { 'gpu-worker': renderWorkers } }, async (_stack, _key, api) => {
    const photos = await testPhotos(BATCH_SIZE, BATCH_MP);
    const ids = [];
    for (const photo of photos) ids.push((await api.uploadImage(photo.bytes)).id);
    const t0 = performance.now();
    const batch = await api.createBatch({ imageIds: ids, auto: true });
    while (true) {
      const b = await api.getBatch(batch.id);
      if (b.state === 'completed') {
        const minutes = (performance.now() - t0) / 60_000;
        return { renderWorkers, images: BATCH_SIZE, megapixels: BATCH_MP, seconds: round1(minutes * 60), imagesPerMinute: round1(BATCH_SIZE / minutes), counts: b.counts };
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  });
}

/**
 * Instruction jobs on 1 MP photos, one at a time: a weak job ("optimize" for a user with
 * confirmed looks in memory) and a strong job with rethinking ("brighten the sky a
 * little": judged, revised, up to 3 rounds). Latency = creation → finish.
 */
async function benchAgent() {
  return withStack({}, async (_stack, _key, api) => {
    const images = [];
    for (const photo of await testPhotos(AGENT_JOBS + 6, 1)) images.push(await api.uploadImage(photo.bytes));
    // The strong instruction needs a sky: the samples that have one.
    const skies = [];
    for (const photo of await testPhotos(AGENT_JOBS, 1, /^(aitzgorri|picosdeeuropa|sunset|Bridge)_/)) skies.push(await api.uploadImage(photo.bytes));
    // Teach one user a look: six accepted jobs.
    for (const image of images.slice(0, 6)) {
      const job = await api.waitForJob((await api.createJob({ imageId: image.id, map: { global: { temperature: 0.3, brightness: 0.1 } }, userId: 'bench-user' })).id);
      await api.request('POST', `/v1/jobs/${job.id}/feedback`, { body: { accepted: true } });
    }
    const run = async (spec) => {
      const created = await api.createJob(spec);
      const job = await api.waitForJob(created.id, { intervalMs: 5 });
      if (job.state !== 'succeeded') throw new Error(`agent bench job ${job.id}: ${job.state} ${job.error?.code} ${job.error?.message}`);
      return { ms: Date.parse(job.finishedAt) - Date.parse(job.createdAt), rounds: job.rounds.length };
    };
    const weak = [];
    const strong = [];
    for (let i = 0; i < AGENT_JOBS; i++) {
      weak.push(await run({ imageId: images[6 + i].id, instruction: 'optimize', userId: 'bench-user' }));
      strong.push(await run({ imageId: skies[i].id, instruction: 'brighten the sky a little' }).catch((error) => ({ error: error.message })));
    }
    const stats = (rows) => {
      const ok = rows.filter((r) => r.ms !== undefined);
      return {
        jobs: ok.length,
        failed: rows.length - ok.length,
        p50Ms: percentile(ok.map((r) => r.ms), 50),
        p99Ms: percentile(ok.map((r) => r.ms), 99),
        meanRounds: round1(ok.reduce((a, r) => a + r.rounds, 0) / Math.max(1, ok.length)),
      };
    };
    return { megapixels: 1, weak: stats(weak), strong: stats(strong), strongFailures: strong.filter((r) => r.error).map((r) => r.error) };
  });
}

const results = {};
if (parts.includes('gateway')) results.gateway = await benchGateway();
if (parts.includes('pipeline')) results.pipeline = await benchPipeline();
if (parts.includes('agent')) results.agent = await benchAgent();
if (parts.includes('batch')) results.batch = [await benchBatch(1), await benchBatch(2)];
console.log(JSON.stringify(results, null, 2));
