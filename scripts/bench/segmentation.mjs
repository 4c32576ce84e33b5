// `npm run bench -- segmentation`: the embedded engine's speed on the 12.2 MP sunset
// photo (with each optional model present, if any) and its quality on the fixtures.
import path from 'node:path';
import { root, loadRgb } from './common.mjs';
import { readFile } from 'node:fs/promises';

const lib = await import(path.join(root, 'libs/segmentation/dist/index.js'));

async function loadFixtures() {
  const read = async (name) => JSON.parse(await readFile(path.join(root, 'samples/segmentation', name), 'utf8'));
  const { about: _a, ...labels } = await read('expected-labels.json');
  const { about: _b, ...skylines } = await read('skylines.json');
  return { labels, skylines };
}

async function median(fn, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]);
}

async function detectorsOrNone() {
  if (typeof lib.loadDetectors !== 'function') return { detectors: [], unavailable: [] };
  return lib.loadDetectors();
}

export async function runSegmentation() {
  const sunset = await loadRgb(path.join(root, 'samples/sunset_by_Aitzol_Berasategi.jpg'));
  const { detectors, unavailable } = await detectorsOrNone();
  const speed = {};
  // A fresh engine per run: the engine caches results per image.
  await lib.createEmbeddedEngine().segmentAuto(sunset);
  speed.embeddedMs = await median(() => lib.createEmbeddedEngine().segmentAuto(sunset), 5);
  for (const d of detectors) speed[`with_${d.name}_ms`] = await median(() => lib.createEmbeddedEngine({ detectors: [d] }).segmentAuto(sunset), 1);
  if (detectors.length > 1) speed.with_all_ms = await median(() => lib.createEmbeddedEngine({ detectors }).segmentAuto(sunset), 1);

  const { labels, skylines } = await loadFixtures();
  const rows = [];
  let ok = 0, total = 0, okBare = 0;
  const engine = lib.createEmbeddedEngine({ detectors });
  const bare = lib.createEmbeddedEngine();
  for (const [file, expectations] of Object.entries(labels)) {
    const image = await loadRgb(path.join(root, 'samples', file));
    const seg = await engine.segmentAuto(image);
    const checks = expectations.map((e) => lib.checkExpectation(seg, e));
    // The same photo without any optional model, for the "no models" figure.
    const bareSeg = await bare.segmentAuto(image);
    okBare += expectations.filter((e) => lib.checkExpectation(bareSeg, e).ok).length;
    ok += checks.filter((c) => c.ok).length;
    total += checks.length;
    const skyline = skylines[file] ? lib.skylineError(seg, lib.resolveLabel(seg, 'sky'), skylines[file]) : undefined;
    rows.push({ file, regions: seg.regions.length, checks, skyline });
  }
  return {
    models: detectors.map((d) => d.name),
    unavailableModels: unavailable.map((u) => u.model ?? u),
    speed,
    labels: { ok, total, share: Math.round((1000 * ok) / Math.max(1, total)) / 1000 },
    labelsWithoutModels: { ok: okBare, total, share: Math.round((1000 * okBare) / Math.max(1, total)) / 1000 },
    skylines: rows.filter((r) => r.skyline).map((r) => ({ file: r.file, ...r.skyline })),
    misses: rows.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `${r.file}: expected ${c.label}, found ${c.found} (${Math.round(c.share * 100)} %)`)),
  };
}
