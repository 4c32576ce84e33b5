// `npm run bench -- diffusion`: the diffusion engine's pipeline (libs/diffusion) on the
// tiny generated model set (scripts/onnx/diffusion-test-models.mjs: the real tensor names
// and shapes, a few channels), on whatever execution provider this machine has (CUDA when
// onnxruntime-node's CUDA provider is installed, else the CPU):
//
// - per-step time of the denoising loop (ControlNet + UNet + DDIM update), 50 and 20 steps,
//   fp32 and fp16 — with the tiny models this measures the pipeline's own overhead per
//   step (tensor conversion, feeds, the scheduler), not SD 2.1's compute;
// - the full-resolution transfer on the 12.2 MP sunset photo: fitting the bilateral grid on
//   the 512² pair and applying it to the original, with the fit's PSNR against the render.
//
// Run alone: node scripts/bench/diffusion.mjs (prints JSON).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLabels, loadRgb, root } from './common.mjs';
import { writeDiffusionTestModelSet } from '../onnx/diffusion-test-models.mjs';

const lib = await import(path.join(root, 'libs/diffusion/dist/index.js'));
const SAMPLE = 'sunset_by_Aitzol_Berasategi';

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const round = (v, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

async function perStep(pipeline, steps, runs) {
  const image = new Float32Array(3 * 512 * 512).map((_, i) => Math.sin(i * 0.001) * 0.5);
  const map = lib.uniformMapRaster([0.2, -0.1, 0.3, 0.1]);
  await pipeline.denoise(image, map, { steps: 4 }); // warm-up
  const perRun = [];
  const totals = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    const result = await pipeline.denoise(image, map, { steps });
    totals.push(performance.now() - started);
    perRun.push(median(result.timings.stepMs));
  }
  return { steps, stepMs: round(median(perRun), 3), runMs: round(median(totals), 1) };
}

export async function runDiffusion({ runs = 3 } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pertouch-diffusion-bench-'));
  try {
    writeDiffusionTestModelSet(dir);
    const threads = os.availableParallelism();
    const results = { models: 'tiny generated set (real names and shapes, few channels)', cudaProviderInstalled: lib.cudaProviderInstalled() };
    for (const precision of ['fp32', 'fp16']) {
      // One intra-op thread: the tiny graphs gain nothing from more, and onnxruntime's spinning pool only adds noise.
      const pipeline = await lib.DiffusionPipeline.load({ dir, precision, provider: 'auto', threads: 1 });
      try {
        results[precision] = { provider: pipeline.info.provider, ...(pipeline.info.fallbackReason ? { fallbackReason: pipeline.info.fallbackReason } : {}), runs: [await perStep(pipeline, 50, runs), await perStep(pipeline, 20, runs)] };
      } finally {
        await pipeline.release();
      }
    }

    const image = await loadRgb(path.join(root, 'samples', `${SAMPLE}.jpg`));
    const labels = await loadLabels(path.join(root, 'samples', 'masks', `${SAMPLE}.png`));
    const map = lib.parameterMapRaster(labels, new Map([[1, { colorfulness: 0.5, contrast: 0.2, temperature: -0.6, brightness: -0.2 }], [0, { colorfulness: -0.2, contrast: 0, temperature: 0.6, brightness: 0.4 }]]));
    const pipeline = await lib.DiffusionPipeline.load({ dir, precision: 'fp32', provider: 'auto', threads: 1 });
    const pool = lib.TransferPool.create(threads);
    try {
      await lib.retouch(pipeline, image, map, { steps: 4 }); // warm-up
      const stats = [];
      for (let r = 0; r < runs; r++) stats.push((await lib.retouch(pipeline, image, map, { steps: 20 })).stats);
      const threaded = [];
      await lib.retouch(pipeline, image, map, { steps: 4, transferPool: pool }); // starts the threads
      for (let r = 0; r < runs; r++) threaded.push((await lib.retouch(pipeline, image, map, { steps: 20, transferPool: pool })).stats);
      results.transfer = {
        photo: `${SAMPLE}.jpg`,
        megapixels: round((image.width * image.height) / 1e6, 1),
        prepareMs: round(median(stats.map((s) => s.prepareMs)), 0),
        fitMs: round(median(stats.map((s) => s.fitMs)), 0),
        transferMs: round(median(stats.map((s) => s.transferMs)), 0),
        [`transferMs_${threads}_threads`]: round(median(threaded.map((s) => s.transferMs)), 0),
        retouchTotalMs: round(median(stats.map((s) => s.totalMs)), 0),
        fitPsnrDb: round(median(stats.map((s) => s.fitPsnrDb)), 2),
        vaeRoundTripPsnrDb: round(median(stats.map((s) => s.vaeRoundTripPsnrDb)), 2),
      };
      results.cpuThreadsAvailable = threads;
    } finally {
      await pool.close();
      await pipeline.release();
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await runDiffusion(), null, 2));
}
