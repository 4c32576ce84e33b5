import type { AnalyseResult, SegmentationDocument } from '@pertouch/contracts';
import { describe, expect, it } from 'vitest';
import { PipelineFailure } from './failures.js';
import { resolveWithVocabulary } from './labels.js';
import { planRound } from './plan.js';
import type { EditRequest } from './request.js';

const asShot = (v: number) => ({ colorfulness: v, contrast: v, temperature: v, brightness: v });
const analysis: AnalyseResult = {
  width: 300,
  height: 200,
  regions: [
    { id: 0, area: 0.5, values: asShot(-0.2) },
    { id: 1, area: 0.3, values: asShot(0.1) },
    { id: 2, area: 0.2, values: asShot(0.4) },
  ],
  whole: asShot(0.1),
};
const region = (id: number, label: string) => ({ id, area: 100, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, centroid: { x: 0, y: 0 }, label, confidence: 1, engine: 'embedded@1' });
/** Region 3 exists in the segmentation but is too small to measure (absent from the analysis). */
const document: Pick<SegmentationDocument, 'regions'> = { regions: [region(0, 'sky'), region(1, 'bird'), region(2, 'vegetation'), region(3, 'water')] };
const common = { output: { format: 'jpeg', quality: 90 }, engine: 'embedded' } as const;
const plan = (request: EditRequest) => planRound({ request, analysis, document, resolveLabel: resolveWithVocabulary });

async function failure(request: EditRequest): Promise<PipelineFailure> {
  const error = await plan(request).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PipelineFailure);
  return error as PipelineFailure;
}

describe('planRound', () => {
  it('auto: the whole image as one region to 0 (one transform for every pixel)', async () => {
    const { targets, map, wholeImage } = await plan({ ...common, kind: 'auto' });
    expect(wholeImage).toBe(true);
    expect(targets).toEqual([{ id: 0, values: asShot(0) }]);
    expect(map).toEqual({ regions: [{ id: 0, label: 'whole image', ids: [0], values: asShot(0) }], wholeImage: true });
  });

  it('map: global first, then region overrides; unset attributes stay as shot; the rest renders as one region', async () => {
    const { targets, map, regionGroups } = await plan({ ...common, kind: 'map', map: { global: { contrast: 0.2 }, regions: [{ id: 2, values: { contrast: -0.5, brightness: 0.6 } }] } });
    expect(targets).toEqual([
      { id: 0, values: { contrast: 0.2 } },
      { id: 2, values: { contrast: -0.5, brightness: 0.6 } },
    ]);
    // Regions 0 and 1 (and 3, too small to measure) are "the rest": one group, one transform.
    expect(regionGroups).toEqual([[0, 1, 3]]);
    const rest = (0.5 * -0.2 + 0.3 * 0.1) / 0.8;
    expect(map.regions.map((r) => [r.id, r.label, r.ids])).toEqual([
      [0, 'rest', [0, 1, 3]],
      [2, 'vegetation', [2]],
    ]);
    expect(map.regions[0].values.brightness).toBeCloseTo(rest);
    expect(map.regions[0].values.contrast).toBe(0.2);
    const vegetation = { colorfulness: 0.4, contrast: -0.5, temperature: 0.4, brightness: 0.6 };
    for (const [a, v] of Object.entries(vegetation)) expect(map.regions[1].values[a as keyof typeof vegetation]).toBeCloseTo(v, 9);
  });

  it('a label that spans several segments renders them as one region', async () => {
    const twoSkies: Pick<SegmentationDocument, 'regions'> = { regions: [region(0, 'sky'), region(1, 'sky'), region(2, 'vegetation')] };
    const planned = await planRound({ request: { ...common, kind: 'map', map: { regions: [{ label: 'sky', values: { temperature: 0.5 } }] } }, analysis, document: twoSkies, resolveLabel: resolveWithVocabulary });
    expect(planned.targets).toEqual([{ id: 0, values: { temperature: 0.5 } }]);
    expect(planned.regionGroups).toEqual([[0, 1]]);
    expect(planned.map.regions.map((r) => [r.id, r.label])).toEqual([
      [0, 'sky'],
      [2, 'rest'],
    ]);
  });

  it('map by label edits only the matching regions (synonyms and COCO supercategories)', async () => {
    const eagle = await plan({ ...common, kind: 'map', map: { regions: [{ label: 'the eagle', values: { brightness: 0.3 } }] } });
    expect(eagle.targets).toEqual([{ id: 1, values: { brightness: 0.3 } }]);
    const trees = await plan({ ...common, kind: 'map', map: { regions: [{ label: 'trees', values: { colorfulness: -0.4 } }, { label: 'animal', values: { temperature: 0.2 } }] } });
    expect(trees.targets).toEqual([
      { id: 1, values: { temperature: 0.2 } },
      { id: 2, values: { colorfulness: -0.4 } },
    ]);
  });

  it('a word with regions of its own takes those, not the regions known only by a broader name', async () => {
    const people: Pick<SegmentationDocument, 'regions'> = { regions: [region(0, 'person'), region(1, 'skin'), region(2, 'face')] };
    const planned = (request: EditRequest) => planRound({ request, analysis, document: people, resolveLabel: resolveWithVocabulary });
    expect((await planned({ ...common, kind: 'map', map: { regions: [{ label: 'skin', values: { temperature: 0.2 } }] } })).targets).toEqual([{ id: 1, values: { temperature: 0.2 } }]);
    // "the person" is the person with its face and skin.
    expect((await planned({ ...common, kind: 'map', map: { regions: [{ label: 'the person', values: { brightness: 0.2 } }] } })).regionGroups).toEqual([[0, 1, 2]]);
  });

  it('a label with no measurable match fails label_not_found listing the labels, never editing the whole image', async () => {
    const person = await failure({ ...common, kind: 'map', map: { regions: [{ label: 'person', values: { brightness: 0.3 } }] } });
    expect(person.code).toBe('label_not_found');
    expect(person.message).toContain('labels in this image: bird, sky, vegetation');
    // "the sea" is water, only region 3, which is too small to edit.
    expect((await failure({ ...common, kind: 'map', map: { regions: [{ label: 'the sea', values: { brightness: 0.3 } }] } })).code).toBe('label_not_found');
    expect((await failure({ ...common, kind: 'map', map: { regions: [{ label: 'xyzzy', values: { brightness: 0.3 } }] } })).code).toBe('label_not_found');
  });

  it('unknown or unmeasurable region ids fail invalid_map', async () => {
    const unknown = await failure({ ...common, kind: 'map', map: { regions: [{ id: 9, values: { brightness: 0.3 } }] } });
    expect(unknown).toMatchObject({ code: 'invalid_map', message: expect.stringContaining('regions: 0, 1, 2') });
    const small = await failure({ ...common, kind: 'map', map: { regions: [{ id: 3, values: { brightness: 0.3 } }] } });
    expect(small).toMatchObject({ code: 'invalid_map', message: expect.stringContaining('too small') });
  });

  it('names the labels the deployment cannot produce without its optional models', async () => {
    const withUnavailable = { ...document, unavailable: ['person', 'skin', 'car', 'vehicle'] };
    const error = await planRound({ request: { ...common, kind: 'map', map: { regions: [{ label: 'skin', values: { temperature: 0.2 } }] } }, analysis, document: withUnavailable, resolveLabel: resolveWithVocabulary }).catch((e: unknown) => e);
    // Only the missing labels that could have answered "skin" are named.
    expect(error).toMatchObject({ code: 'label_not_found', message: expect.stringMatching(/without its optional models this deployment does not label person, skin\)$/) });
  });
});
