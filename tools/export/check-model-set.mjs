#!/usr/bin/env node
// Checks an exported model set the way the gpu-worker will use it: opens it with
// libs/diffusion on onnxruntime-node (names, shapes and dtypes checked against the model
// set), renders one photo at full resolution, and prints the provider, the per-step time,
// the fit's PSNR and the transfer time. Run it after export_pertouch_onnx.py, on the
// machine that will serve (it needs a build: npx nx run-many -t build).
//
//   node tools/export/check-model-set.mjs <model-set-dir> [--photo file.jpg] [--steps 20]
//        [--precision auto|fp32|fp16] [--provider auto|cuda|cpu] [--out render.jpg]
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sharp = createRequire(path.join(root, 'apps/cli/package.json'))('sharp');
const lib = await import(path.join(root, 'libs/diffusion/dist/index.js'));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    photo: { type: 'string', default: path.join(root, 'samples/sunset_by_Aitzol_Berasategi.jpg') },
    steps: { type: 'string', default: '20' },
    precision: { type: 'string', default: 'auto' },
    provider: { type: 'string', default: 'auto' },
    out: { type: 'string' },
  },
});
const dir = positionals[0];
if (!dir) {
  console.error('usage: node tools/export/check-model-set.mjs <model-set-dir> [--photo f.jpg] [--steps 20] [--precision auto|fp32|fp16] [--provider auto|cuda|cpu] [--out render.jpg]');
  process.exit(2);
}

const inspection = lib.inspectModelSetDirectory(dir);
if (!inspection.ok) {
  console.error(`not a model set: ${inspection.reason}`);
  process.exit(1);
}
let pipeline;
try {
  const started = performance.now();
  pipeline = await lib.DiffusionPipeline.load({ dir, precision: values.precision, provider: values.provider });
  console.log(JSON.stringify({ loaded: pipeline.info, loadMs: Math.round(performance.now() - started), verification: inspection.manifest.verification ?? null }, null, 2));
} catch (error) {
  console.error(`${error.code ?? 'error'}: ${error.message}`);
  process.exit(1);
}
try {
  const { data, info } = await sharp(values.photo).autoOrient().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  // The whole photo one region: a little warmer and brighter than the corpus median.
  const map = lib.uniformMapRaster([0.2, 0.1, 0.3, 0.2]);
  const result = await lib.retouch(pipeline, image, map, { steps: Number(values.steps) });
  const { stepMs, ...stats } = result.stats;
  const sorted = [...stepMs].sort((a, b) => a - b);
  console.log(JSON.stringify({ photo: path.basename(values.photo), size: `${image.width}×${image.height}`, ...stats, stepMsMedian: sorted[Math.floor(sorted.length / 2)] }, null, 2));
  if (values.out) {
    await sharp(Buffer.from(result.image.data.buffer, result.image.data.byteOffset, result.image.data.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality: 92 }).toFile(values.out);
    console.log(`wrote ${values.out}`);
  }
  if (result.stats.fitPsnrDb < 30) console.warn(`warning: the transfer's fit is ${result.stats.fitPsnrDb.toFixed(1)} dB (< 30 dB) on this photo`);
} finally {
  await pipeline.release();
}
