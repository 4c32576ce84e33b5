#!/usr/bin/env node
// Throughput of the segmenter worker (issue 3): images/min with concurrency 1 and 2.
//
// Starts an in-process s3rver (temp dir, random port) and, for each concurrency, the
// segmenter worker from the built dist of apps/segmenter against the real Redis
// (REDIS_URL, default redis://127.0.0.1:6379) under a unique BullMQ prefix. It uploads N
// distinct sample photos, enqueues one `segment` job each, and times the worker from
// the moment it starts until every job is settled. Each run uses its own tenant, so
// the per-tenant cache never short-circuits a run (set BENCH_CACHE=false to also skip
// cache lookups). One warm-up job per run (not timed) loads the engine's models.
//
//   npx nx run-many -t build && node scripts/bench/segmenter-throughput.mjs
//
// Env: BENCH_ENGINE = embedded (default: createEngine('embedded') from @pertouch/segmentation,
//      with the optional models PERTOUCH_MODELS selects — all present by default) | fake
//      BENCH_IMAGES = how many sample photos (default: all in samples/)
//      BENCH_CONCURRENCY = comma list (default "1,2")
//      BENCH_CACHE = true|false (default true)
// Prints one JSON object on stdout; progress goes to stderr.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import S3rver from 's3rver';
import sharp from 'sharp';
import { DEFAULT_SEGMENT_JOB_OPTIONS, QUEUE_NAMES } from '../../libs/contracts/dist/index.js';
import { startSegmenter } from '../../apps/segmenter/dist/app.js';
import { loadConfig } from '../../apps/segmenter/dist/config.js';
import { FakeSegmentationEngine } from '../../apps/segmenter/dist/fake-engine.js';
import { S3ObjectStore } from '../../libs/storage/dist/index.js';
import { machine, root } from './common.mjs';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ENGINE = process.env.BENCH_ENGINE ?? 'embedded';
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '1,2').split(',').map(Number);
const CACHE = process.env.BENCH_CACHE ?? 'true';
const BUCKET = 'pertouch-bench';
const progress = (message) => process.stderr.write(`${message}\n`);

async function makeEngine() {
  if (ENGINE === 'fake') return { engine: new FakeSegmentationEngine({ version: 'bench' }), name: 'fake' };
  if (ENGINE !== 'embedded') throw new Error(`BENCH_ENGINE must be embedded or fake, got ${JSON.stringify(ENGINE)}`);
  // The engine the service builds: the optional models PERTOUCH_MODELS selects (all present by default).
  const { createEngine } = await import('@pertouch/segmentation');
  const engine = await createEngine('embedded', process.env);
  return { engine, name: 'embedded' };
}

const samples = readdirSync(path.join(root, 'samples'))
  .filter((f) => /\.(jpe?g|png)$/i.test(f))
  .sort();
const count = Math.min(Number(process.env.BENCH_IMAGES ?? samples.length), samples.length);
const files = samples.slice(0, count);
const warmupFile = samples[samples.length - 1];

async function settleAll(queue, total) {
  for (;;) {
    const counts = await queue.getJobCounts('completed', 'failed');
    if (counts.completed + counts.failed >= total) return counts;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function run(concurrency, engine, store, endpoint) {
  const prefix = `pt-bench-${randomUUID().slice(0, 8)}`;
  const tenantId = `bench-c${concurrency}-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    REDIS_URL,
    PERTOUCH_QUEUE_PREFIX: prefix,
    SEGMENTER_CONCURRENCY: String(concurrency),
    SEGMENTER_CACHE: CACHE,
    S3_ENDPOINT: endpoint,
    S3_BUCKET: BUCKET,
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
  const connection = { url: REDIS_URL };
  const queue = new Queue(QUEUE_NAMES.segment, { connection, prefix });
  const jobMs = [];
  const failures = [];
  const log = (line) => {
    if (line.event === 'job.completed' && line.imageId !== 'warmup') jobMs.push(line.ms);
    if (line.event === 'job.failed') failures.push(line);
  };
  try {
    // Warm-up (models load, JIT): one job of its own tenant (so it cannot warm the cache), not timed.
    const warmTenant = `${tenantId}-w`;
    const warmKey = `tenants/${warmTenant}/uploads/${warmupFile}`;
    await store.put(warmKey, readFileSync(path.join(root, 'samples', warmupFile)), 'application/octet-stream');
    let segmenter = startSegmenter(config, { engines: { embedded: engine }, log, store });
    await queue.add('segment', { tenantId: warmTenant, imageId: 'warmup', imageKey: warmKey }, { attempts: 1 });
    await settleAll(queue, 1);
    await segmenter.close();
    await queue.obliterate({ force: true });

    // Upload and enqueue everything while no worker runs, then start the worker and time it.
    let megapixels = 0;
    for (const file of files) {
      const bytes = readFileSync(path.join(root, 'samples', file));
      const key = `tenants/${tenantId}/uploads/${file}`;
      await store.put(key, bytes, 'application/octet-stream');
      await queue.add('segment', { tenantId, imageId: file.replace(/[^A-Za-z0-9._-]/g, '-'), imageKey: key }, { ...DEFAULT_SEGMENT_JOB_OPTIONS });
      const meta = await sharp(bytes).metadata();
      megapixels += (meta.width * meta.height) / 1e6;
    }
    failures.length = 0;
    const t0 = performance.now();
    segmenter = startSegmenter(config, { engines: { embedded: engine }, log, store });
    const counts = await settleAll(queue, files.length);
    const seconds = (performance.now() - t0) / 1000;
    await segmenter.close();
    const sorted = [...jobMs].sort((a, b) => a - b);
    return {
      concurrency,
      images: files.length,
      megapixels: Math.round(megapixels * 10) / 10,
      seconds: Math.round(seconds * 100) / 100,
      imagesPerMin: Math.round((files.length / seconds) * 60 * 10) / 10,
      completed: counts.completed,
      failed: counts.failed,
      medianJobMs: sorted.length ? sorted[sorted.length >> 1] : null,
      failures: failures.slice(0, 3).map((f) => `${f.imageId}: ${f.error}`),
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pertouch-bench-s3-'));
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  const { port } = await s3rver.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const store = new S3ObjectStore({ endpoint, region: 'us-east-1', bucket: BUCKET, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    await store.ensureBucket();
    const { engine, name } = await makeEngine();
    const runs = [];
    for (const concurrency of CONCURRENCIES) {
      progress(`segmenter throughput: concurrency ${concurrency}, ${files.length} images, engine ${name}…`);
      const result = await run(concurrency, engine, store, endpoint);
      progress(`  ${result.imagesPerMin} images/min (${result.seconds} s, ${result.failed} failed)`);
      runs.push(result);
    }
    const base = runs.find((r) => r.concurrency === 1);
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'segmenter-throughput',
          machine: machine(),
          engine: `${name} (${engine.name}@${engine.version})`,
          cache: CACHE,
          runs,
          speedup: base ? Object.fromEntries(runs.map((r) => [`c${r.concurrency}`, Math.round((r.imagesPerMin / base.imagesPerMin) * 100) / 100])) : undefined,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    store.destroy();
    await s3rver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
