#!/usr/bin/env node
// Writes samples/masks/<photo>.png: a two-region segmentation (ids 0 and 1) of each
// sample photo at its working size, from the library's deterministic colour/position
// k-means (k = 2). The accuracy and locality benchmarks and tests use them as the
// "provided mask" of two regions. Re-run after changing clusterRegions: npm run masks
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { clusterRegions, toWorkingSize } from '../libs/imaging/dist/index.js';
import { loadRgb, root, sharp } from './bench/common.mjs';

const dir = path.join(root, 'samples');
await mkdir(path.join(dir, 'masks'), { recursive: true });
for (const file of (await readdir(dir)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort()) {
  const work = toWorkingSize(await loadRgb(path.join(dir, file)));
  const labels = clusterRegions(work, 2, { seed: 3, spatial: 1 });
  const out = path.join(dir, 'masks', file.replace(/\.[^.]+$/, '.png'));
  await sharp(Buffer.from(labels), { raw: { width: work.width, height: work.height, channels: 1 } }).png().toFile(out);
  const ones = labels.reduce((a, v) => a + v, 0);
  console.log(`${path.relative(root, out)}: ${work.width}×${work.height}, region 1 = ${((100 * ones) / labels.length).toFixed(1)} %`);
}
