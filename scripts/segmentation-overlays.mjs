#!/usr/bin/env node
// `npm run overlays`: the embedded engine (with whatever optional models are present)
// on every sample photo; writes docs/segmentation/<photo>.png — region outlines and
// labels over the photo — for a person to check, and prints each photo's regions.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadRgb, root, sharp } from './bench/common.mjs';

const { createEngine } = await import(path.join(root, 'libs/segmentation/dist/index.js'));
const { renderOverlay } = await import(path.join(root, 'apps/cli/dist/overlay.js'));

const out = path.join(root, 'docs/segmentation');
await mkdir(out, { recursive: true });
const engine = await createEngine('embedded', process.env);
const photos = (await readdir(path.join(root, 'samples'))).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
for (const file of photos) {
  const image = await loadRgb(path.join(root, 'samples', file));
  const seg = await engine.segmentAuto(image);
  const name = file.replace(/\.[^.]+$/, '.png');
  // A palette PNG keeps the gallery small enough to live in the repository.
  const png = await sharp(await renderOverlay(image.data, seg, 720)).png({ palette: true, quality: 85, effort: 8 }).toBuffer();
  await writeFile(path.join(out, name), png);
  const labels = [...new Set(seg.regions.map((r) => r.label))].join(', ');
  console.log(`${file}: ${seg.regions.length} regions (${labels}) → docs/segmentation/${name}`);
}
