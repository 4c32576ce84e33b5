#!/usr/bin/env node
// Fits PerTouch's default calibration table (design.md §3, "Normalisation to [-1, 1]")
// on the licensed photos in samples/ and writes libs/imaging/src/calibration/default-table.json.
//
// Regions: each photo is partitioned several times with the library's deterministic
// colour/position k-means (k = 1, 2, 3, 4, 6, 8), and every region of a partition is a
// sample weighted by its share of the photo's area, divided by the number of partitions,
// so each photo weighs the same and large regions weigh more than small ones.
// Usage: npm run calibrate [-- --out FILE] ; the table's `source` field records all of this.
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadRgb, root } from './bench/common.mjs';
import { buildCalibrationTable, clusterRegions, regionStats, scoresFromStats, toWorkingSize, WORKING_LONG_SIDE } from '../libs/imaging/dist/index.js';

const PARTITIONS = [1, 2, 3, 4, 6, 8];
// Not colour photographs of the kind users retouch: a greyscale test card would pull
// the colourfulness distribution toward zero.
const EXCLUDED = new Set(['skimage_camera.png']);

const outArg = process.argv.indexOf('--out');
const outFile = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'libs/imaging/src/calibration/default-table.json');
const dir = path.join(root, 'samples');
const files = (await readdir(dir)).filter((f) => /\.(jpe?g|png|tiff?|webp)$/i.test(f) && !EXCLUDED.has(f)).sort();

const samples = [];
for (const file of files) {
  const work = toWorkingSize(await loadRgb(path.join(dir, file)));
  const total = work.width * work.height;
  let count = 0;
  for (const k of PARTITIONS) {
    const labels = k === 1 ? new Uint8Array(total) : clusterRegions(work, k, { seed: 7 });
    for (const stats of regionStats(work, labels).values()) {
      const scores = scoresFromStats(stats);
      if (!scores) continue;
      samples.push({ scores, weight: stats.n / total / PARTITIONS.length });
      count++;
    }
  }
  console.log(`${file}: ${count} regions`);
}

const table = buildCalibrationTable(samples, {
  version: `samples-${files.length}-v1`,
  points: 1001,
  source: {
    script: 'scripts/calibrate.mjs',
    corpus: 'samples/ (licences in samples/LICENSES.md)',
    files,
    excluded: [...EXCLUDED],
    partitions: `k-means on CIELAB + position, k in ${PARTITIONS.join(', ')}; regions weighted by area share`,
    workingLongSide: WORKING_LONG_SIDE,
    regions: samples.length,
  },
});
await writeFile(outFile, JSON.stringify(table, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v)) + '\n');
console.log(`wrote ${path.relative(process.cwd(), outFile)}: ${samples.length} regions from ${files.length} photos`);

