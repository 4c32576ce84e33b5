#!/usr/bin/env node
// `npm run bench`: the embedded renderer's benchmarks (speed and memory, control
// accuracy, locality), the segmenter's (speed, label accuracy, skylines) and the
// platform's (gateway load, pipeline latency, batch throughput) and the scene memory's
// (lookup latency on pgvector) and the diffusion engine's pipeline (per-step time on the
// tiny generated models, the 12 MP full-resolution transfer). Prints a summary and writes out/bench/results.json; the
// numbers in BENCHMARKS.md come from here. `npm run bench -- speed` runs one part.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './bench/common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const parts = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const want = (p) => parts.length === 0 || parts.includes(p);
const results = { date: new Date().toISOString(), machine: machine(), command: `npm run bench${parts.length ? ` -- ${parts.join(' ')}` : ''}` };

if (want('speed')) {
  // Its own process, so that its peak RSS is its own.
  console.log('== speed (12.2 MP sunset, 6 regions × 4 attributes)');
  results.speed = JSON.parse(execFileSync(process.execPath, [path.join(here, 'bench/speed.mjs')], { encoding: 'utf8' }));
  console.log(JSON.stringify(results.speed, null, 2));
}
if (want('accuracy')) {
  console.log('== control accuracy');
  const { runAccuracy } = await import('./bench/accuracy.mjs');
  results.accuracy = await runAccuracy();
  console.log(JSON.stringify(results.accuracy, null, 2));
}
if (want('locality')) {
  console.log('== locality');
  const { runLocality } = await import('./bench/locality.mjs');
  results.locality = await runLocality();
  const { rows: _rows, ...summary } = results.locality;
  console.log(JSON.stringify(summary, null, 2));
}
if (want('segmentation')) {
  console.log('== segmentation (embedded engine: speed on the 12.2 MP sunset, labels and skylines on the fixtures)');
  const { runSegmentation } = await import('./bench/segmentation.mjs');
  results.segmentation = await runSegmentation();
  console.log(JSON.stringify(results.segmentation, null, 2));
}
if (want('segmenter')) {
  // Its own process: it starts s3rver and the worker against the real Redis.
  console.log('== segmenter worker throughput (images/min, concurrency 1 and 2)');
  results.segmenter = JSON.parse(execFileSync(process.execPath, [path.join(here, 'bench/segmenter-throughput.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  console.log(JSON.stringify(results.segmenter, null, 2));
}
if (want('platform')) {
  // Its own process: it starts scratch stacks (the four apps as processes) on the real Redis and PostgreSQL.
  console.log('== platform (gateway load, pipeline latency and overhead, batch throughput)');
  results.platform = JSON.parse(execFileSync(process.execPath, [path.join(here, 'bench/platform.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 }));
  console.log(JSON.stringify(results.platform, null, 2));
}
if (want('memory')) {
  // Its own process: it fills a scratch database on the real PostgreSQL (pgvector) with 100 000 scenes.
  console.log('== memory (scene memory lookups: 100 000 scenes of one tenant, PostgreSQL + pgvector)');
  results.memory = JSON.parse(execFileSync(process.execPath, [path.join(here, 'bench/memory.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  console.log(JSON.stringify(results.memory, null, 2));
}
if (want('diffusion')) {
  console.log('== diffusion (libs/diffusion on the tiny generated models: per-step time; the 12.2 MP full-resolution transfer)');
  const { runDiffusion } = await import('./bench/diffusion.mjs');
  results.diffusion = await runDiffusion();
  console.log(JSON.stringify(results.diffusion, null, 2));
}
const out = path.join(here, '..', 'out', 'bench');
await mkdir(out, { recursive: true });
await writeFile(path.join(out, 'results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), path.join(out, 'results.json'))}`);
