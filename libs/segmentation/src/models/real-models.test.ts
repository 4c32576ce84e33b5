/**
 * The shipped models on the sample photos. They run when `npm run models`
 * (scripts/fetch-models.mjs) has put the models in $PERTOUCH_MODELS_DIR or
 * ~/.cache/pertouch/models — CI fetches them first — and are skipped, loudly, otherwise.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '@pertouch/imaging';
import type { Box, Mask, ThingDetector } from '../types.js';
import { defaultModelsDir, loadDetectors, MODEL_SPECS } from './load-detectors.js';

const samples = fileURLToPath(new URL('../../../../samples/', import.meta.url));
const modelsDir = defaultModelsDir();
const present = Object.fromEntries(
  MODEL_SPECS.map((s) => [s.name, s.files.every((f) => existsSync(path.join(modelsDir, s.name, f)))]),
) as Record<string, boolean>;
const missing = Object.keys(present).filter((n) => !present[n]);
if (missing.length > 0) {
  console.warn(`[real-models] SKIPPED for ${missing.join(', ')}: not found in ${modelsDir} — run \`node scripts/fetch-models.mjs\` to enable these tests`);
}

async function decode(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(path.join(samples, file)).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Mean mask value (0..255) over a rectangle given in fractions of the image. */
function meanIn(mask: Mask, fx0: number, fy0: number, fx1: number, fy1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(fy0 * mask.height); y < Math.ceil(fy1 * mask.height); y++) {
    for (let x = Math.floor(fx0 * mask.width); x < Math.ceil(fx1 * mask.width); x++, n++) sum += mask.data[y * mask.width + x];
  }
  return sum / n;
}

function contains(box: Box, x: number, y: number): boolean {
  return box.x0 <= x && x < box.x1 && box.y0 <= y && y < box.y1;
}

const detectors = new Map<string, ThingDetector>();
const images = new Map<string, RgbImage>();
async function image(file: string): Promise<RgbImage> {
  if (!images.has(file)) images.set(file, await decode(file));
  return images.get(file)!;
}

beforeAll(async () => {
  const { detectors: loaded } = await loadDetectors({ modelsDir, only: Object.keys(present).filter((n) => present[n]) });
  for (const d of loaded) detectors.set(d.name, d);
});

describe.skipIf(!present.blazeface)('blazeface (real model)', () => {
  it('astronaut: one face box in the upper middle', async () => {
    const img = await image('skimage_astronaut.png');
    const faces = await detectors.get('blazeface')!.detect(img);
    expect(faces).toHaveLength(1);
    const { box, confidence } = faces[0];
    expect(confidence).toBeGreaterThan(0.7);
    const cx = (box!.x0 + box!.x1) / 2 / img.width;
    const cy = (box!.y0 + box!.y1) / 2 / img.height;
    expect(cx).toBeGreaterThan(0.3);
    expect(cx).toBeLessThan(0.6);
    expect(cy).toBeGreaterThan(0.1);
    expect(cy).toBeLessThan(0.45);
    expect((box!.x1 - box!.x0) / img.width).toBeGreaterThan(0.1);
    expect((box!.x1 - box!.x0) / img.width).toBeLessThan(0.4);
  });

  it('sunset: no face', async () => {
    expect(await detectors.get('blazeface')!.detect(await image('sunset_by_Aitzol_Berasategi.jpg'))).toEqual([]);
  });
});

describe.skipIf(!present.selfie)('selfie (real model)', () => {
  it('astronaut: a person mask covering the centre', async () => {
    const [d, ...rest] = await detectors.get('selfie')!.detect(await image('skimage_astronaut.png'));
    expect(rest).toEqual([]);
    expect(d.label).toBe('person');
    expect(meanIn(d.mask!, 0.4, 0.4, 0.6, 0.6)).toBeGreaterThan(200);
    expect(meanIn(d.mask!, 0.9, 0.0, 1.0, 0.2)).toBeLessThan(60); // the top-right corner is not the astronaut
  });

  it('sunset: no person', async () => {
    expect(await detectors.get('selfie')!.detect(await image('sunset_by_Aitzol_Berasategi.jpg'))).toEqual([]);
  });
});

describe.skipIf(!present.centernet)('centernet (real model)', () => {
  const find = async (file: string, label: string) => {
    const img = await image(file);
    const dets = await detectors.get('centernet')!.detect(img);
    return { img, dets, hit: dets.find((d) => d.label === label) };
  };

  it('Kleiber: a bird whose box holds the bird', async () => {
    const { img, hit } = await find('Kleiber_by_Lukas_Baubkus.jpg', 'bird');
    expect(hit).toBeDefined();
    expect(hit!.confidence).toBeGreaterThanOrEqual(0.35);
    expect(contains(hit!.box!, 0.46 * img.width, 0.5 * img.height)).toBe(true);
  });

  it('friends: a dog', async () => {
    const { img, hit } = await find('friends_by_Aitzol_Berasategi.jpg', 'dog');
    expect(hit).toBeDefined();
    expect(contains(hit!.box!, 0.57 * img.width, 0.52 * img.height)).toBe(true); // the lower dog's face
  });

  it('chelsea: a cat', async () => {
    const { dets, hit } = await find('skimage_chelsea.png', 'cat');
    expect(hit).toBeDefined();
    expect(dets[0].label).toBe('cat');
  });

  it('sunset: no person', async () => {
    const { dets } = await find('sunset_by_Aitzol_Berasategi.jpg', 'person');
    expect(dets.filter((d) => d.label === 'person')).toEqual([]);
  });
});

describe.skipIf(!present.isnet)('isnet (real model)', () => {
  it('Kleiber: the subject mask covers the bird and little else', async () => {
    const img = await image('Kleiber_by_Lukas_Baubkus.jpg');
    const [d, ...rest] = await detectors.get('isnet')!.detect(img);
    expect(rest).toEqual([]);
    expect(d.label).toBe('subject');
    expect(d.mask!.width / d.mask!.height).toBeCloseTo(img.width / img.height, 2);
    expect(meanIn(d.mask!, 0.43, 0.48, 0.49, 0.6)).toBeGreaterThan(200); // the bird's body
    expect(meanIn(d.mask!, 0.7, 0.6, 1.0, 1.0)).toBeLessThan(20); // the blurred ground on the right
    expect(meanIn(d.mask!, 0, 0, 1, 1)).toBeLessThan(0.3 * 255);
    expect(d.confidence).toBeGreaterThan(0.8);
  });
});
