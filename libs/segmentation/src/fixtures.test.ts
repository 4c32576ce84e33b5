/**
 * The embedded engine, with the optional models, on every sample photo against the
 * hand-written fixtures in samples/segmentation/ (issue 3's acceptance): ≥ 90 % of the
 * expected labels, and on three photos with clean sky/ground edges a sky boundary within
 * 1 % of the diagonal of a traced skyline.
 * The models come from `npm run models` (the test command's set-up runs it); without
 * them this test fails and says so, since the labels it checks need them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '@pertouch/imaging';
import { createEngine } from './create-engine.js';
import { checkExpectation, skylineError, type ExpectationResult, type LabelExpectation } from './evaluate.js';
import { MODEL_SPECS, loadDetectors } from './models/load-detectors.js';
import type { SegmentationEngine } from './types.js';
import { resolveLabel } from './vocabulary.js';

const samples = fileURLToPath(new URL('../../../samples/', import.meta.url));
const fixture = <T>(name: string): Record<string, T> => {
  const { about: _about, ...entries } = JSON.parse(readFileSync(path.join(samples, 'segmentation', name), 'utf8')) as Record<string, T>;
  return entries;
};
const expected = fixture<LabelExpectation[]>('expected-labels.json');
const skylines = fixture<[number, number][][]>('skylines.json');

async function decode(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(path.join(samples, file)).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

let engine: SegmentationEngine;

beforeAll(async () => {
  const { unavailable } = await loadDetectors();
  if (unavailable.length > 0) {
    throw new Error(`optional models missing (${unavailable.map((u) => u.model).join(', ')}): run \`npm run models\` first (npm test does)`);
  }
  expect(MODEL_SPECS.length).toBe(4);
  engine = await createEngine('embedded', process.env);
});

describe('embedded engine on the sample photos', () => {
  it('labels ≥ 90 % of the obvious regions a person named', async () => {
    const results: (ExpectationResult & { file: string })[] = [];
    for (const [file, expectations] of Object.entries(expected)) {
      if (expectations.length === 0) continue;
      const seg = await engine.segmentAuto(await decode(file));
      for (const e of expectations) results.push({ file, ...checkExpectation(seg, e) });
    }
    const ok = results.filter((r) => r.ok).length;
    const misses = results.filter((r) => !r.ok).map((r) => `${r.file}: ${r.label} → ${r.found}`);
    expect(results.length).toBeGreaterThanOrEqual(30);
    expect(ok / results.length, `misses: ${misses.join('; ')}`).toBeGreaterThanOrEqual(0.9);
    // 21 photos through five models: about 100 s on two quiet cores, more when other test
    // files share them; the suite-wide 120 s limit is too tight.
  }, 600_000);

  // The photos with clean sky/ground edges; the Bridge photo's skyline, crossed by the
  // bridge's cables, is measured by the benchmark only (BENCHMARKS.md).
  const clean = ['aitzgorri_by_Aitzol_Berasategi.jpg', 'picosdeeuropa_by_Aitzol_Berasategi.jpg', 'sunset_by_Aitzol_Berasategi.jpg'];
  it.each(clean)('puts the sky boundary of %s within 1 %% of the diagonal of its traced skyline', async (file) => {
    const seg = await engine.segmentAuto(await decode(file));
    const result = skylineError(seg, resolveLabel(seg, 'sky'), skylines[file]);
    expect(result.columns).toBeGreaterThan(1500);
    expect(result.columnsOutside, JSON.stringify(result)).toBe(0);
  });
});
