/**
 * The pure parts of instruction jobs: grounding, the strong design and its targets, the
 * embedded judge and its secant revision, "more"/"less", the weak look from memory, and
 * the confirmed look a scene document stores.
 */
import type { AnalyseResult, AttributeName, RenderReportDocument, SegmentationDocument } from '@pertouch/contracts';
import { parseWithRules, type Edit } from '@pertouch/instructions';
import { describe, expect, it } from 'vitest';
import { PipelineFailure } from './failures.js';
import { groundEdits } from './grounding.js';
import { bestRound, judgeRound, type RoundOutcome } from './judge.js';
import { resolveWithVocabulary } from './labels.js';
import type { Values } from './plan.js';
import { relativeEdits, relativeRequest } from './relative.js';
import { confirmedLook } from './scene.js';
import { designStrong, initialShifts, roundOfDesign, type BaseLook, type StrongDesign } from './strong-plan.js';
import { planWeak } from './weak-plan.js';

const all = (v: number) => ({ colorfulness: v, contrast: v, temperature: v, brightness: v });
const analysis: AnalyseResult = {
  width: 300,
  height: 200,
  regions: [
    { id: 0, area: 0.3, values: { ...all(0), brightness: 0.5 } },
    { id: 1, area: 0.2, values: { ...all(0), brightness: 0.3 } },
    { id: 2, area: 0.4, values: all(-0.2) },
    { id: 3, area: 0.1, values: all(0.1) },
  ],
  whole: all(0),
};
const region = (id: number, label: string) => ({ id, area: 100, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, centroid: { x: 0, y: 0 }, label, confidence: 1, engine: 'embedded@1' });
/** Two segments of sky, vegetation, a person. */
const document: Pick<SegmentationDocument, 'regions' | 'unavailable'> = { regions: [region(0, 'sky'), region(1, 'sky'), region(2, 'vegetation'), region(3, 'person')], unavailable: [] };
const inputs = { document, analysis, resolveLabel: resolveWithVocabulary };

async function design(instruction: string, base?: BaseLook): Promise<StrongDesign> {
  return designStrong(await groundEdits(parseWithRules(instruction).edits, inputs), document, analysis, base);
}

/** A report where every group achieved `achieved(group index, target)` and the untargeted ones stayed as shot. */
function report(d: StrongDesign, targets: readonly Values[], asShot: (i: number) => Record<AttributeName, number>, achieved: (i: number, a: AttributeName, target: number) => number, clipped = false): RenderReportDocument {
  return {
    format: 1,
    engine: 'embedded@1',
    image: { width: 300, height: 200, format: 'jpeg', bytes: 1 },
    workingSize: { width: 300, height: 200 },
    calibration: 'test',
    regions: d.groups.map((g, i) => {
      const shot = asShot(i);
      const target = { ...shot, ...targets[i] };
      const got = Object.fromEntries(Object.entries(target).map(([a, t]) => [a, targets[i][a as AttributeName] === undefined ? shot[a as AttributeName] : achieved(i, a as AttributeName, t)])) as Record<AttributeName, number>;
      return { id: g.ids[0], area: 0.25, edited: Object.keys(targets[i]).length > 0, asShot: shot, target, achieved: got, clipped: { colorfulness: clipped, contrast: clipped, temperature: clipped, brightness: clipped } };
    }),
  };
}

describe('grounding and the strong design', () => {
  it('"brighten the sky a little": both sky segments as one group at as-shot + 0.1; the rest gets no target', async () => {
    const d = await design('brighten the sky a little');
    expect(d.groups.map((g) => [g.ids, g.label, g.deltas])).toEqual([
      [[0, 1], 'sky', { brightness: 0.1 }],
      [[2, 3], 'rest', {}],
    ]);
    // Round 1 asks the sky group for +0.1 from its as-shot value, which the renderer measures on the group.
    const shifts = initialShifts(d);
    expect(shifts).toEqual([{ brightness: 0.1 }, {}]);
    const round = roundOfDesign(d, { shifts }, analysis);
    expect(round.targets).toEqual([{ id: 0, values: {}, shifts: { brightness: 0.1 } }]);
    // The stored map shows the area-weighted as-shot of the two segments ((0.3·0.5 + 0.2·0.3) / 0.5 = 0.42) + 0.1.
    expect(round.map.regions[0].values.brightness).toBeCloseTo(0.52, 9);
    expect(round.regionGroups).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('clamps to [-1, 1]; global covers every region; except takes regions out; deltas of overlapping edits add', async () => {
    expect(roundOfDesign(await design('make the sky extremely bright'), { shifts: [{ brightness: 0.6 }, {}] }, analysis).map.regions[0].values.brightness).toBeCloseTo(1, 9);
    const except = await design('desaturate everything except the person');
    expect(except.groups.map((g) => [g.ids, g.deltas])).toEqual([
      [[0, 1, 2], { colorfulness: -0.2 }],
      [[3], {}],
    ]);
    const overlap = designStrong(
      await groundEdits(
        [
          { region: 'global', attribute: 'brightness', delta: 0.2 },
          { region: 'sky', attribute: 'brightness', delta: 0.1 },
        ],
        inputs,
      ),
      document,
      analysis,
    );
    expect(overlap.groups.map((g) => [g.ids, g.deltas.brightness])).toEqual([
      [[0, 1], expect.closeTo(0.3, 9)],
      [[2, 3], 0.2],
    ]);
  });

  it('a region the image does not have fails label_not_found with the labels it has — never the whole image', async () => {
    const error = await groundEdits(parseWithRules('brighten the car').edits, inputs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineFailure);
    expect(error).toMatchObject({ code: 'label_not_found', message: expect.stringContaining('"car" (labels in this image: person, sky, vegetation') });
  });

  it('a follow-up carries the parent’s shifts: edited groups start from its targets, its other groups are rendered to them again', async () => {
    // The parent brightened the sky by 0.1 (group 0) and left the rest alone.
    const base: BaseLook = { groupOf: new Map([[0, 0], [1, 0]]), shifts: [{ brightness: 0.1 }] };
    const more = await design('warmer vegetation', base);
    expect(more.groups.map((g) => [g.ids, g.carried, g.deltas])).toEqual([
      [[0, 1], { brightness: 0.1 }, {}],
      [[2], {}, { temperature: 0.2 }],
      [[3], {}, {}],
    ]);
    // Round 1: the sky group moves by the parent's +0.1 again, the vegetation by +0.2.
    expect(initialShifts(more)).toEqual([{ brightness: 0.1 }, { temperature: 0.2 }, {}]);
  });
});

describe('the embedded judge', () => {
  /** As shot: the sky (group 0) at brightness 0.4, everything else 0. */
  const shot = (i: number) => ({ ...all(0), brightness: i === 0 ? 0.4 : 0 });

  it('satisfied when the achieved delta is in the band and the rest did not move; the reason says what was measured', async () => {
    const d = await design('brighten the sky a little');
    const targets: Values[] = [{ brightness: 0.5 }, {}];
    const j = judgeRound(d, [{ targets, report: report(d, targets, shot, (_, __, t) => t - 0.01) }]);
    expect(j.verdict.satisfied).toBe(true);
    expect(j.verdict.reason).toMatch(/sky brightness \+0\.090 \(asked \+0\.100 ± 0\.030\); the rest unchanged/);
    expect(j.next).toBeUndefined();
    expect(j.miss).toBeLessThanOrEqual(1);
  });

  it('out of band → a secant step on the measured response; converges on a renderer that under-delivers', async () => {
    const d = await design('make the sky much darker');
    // The renderer achieves only 60 % of any change it is asked for.
    const respond = (_: number, __: AttributeName, t: number) => 0.4 + 0.6 * (t - 0.4);
    const rounds: RoundOutcome[] = [];
    let targets: Values[] = [{ brightness: 0 }, {}];
    let judgement;
    for (let n = 1; n <= 3; n++) {
      rounds.push({ targets, report: report(d, targets, shot, respond) });
      judgement = judgeRound(d, rounds);
      if (judgement.verdict.satisfied) break;
      expect(judgement.verdict.reason).toMatch(/revising the targets/);
      targets = [...judgement.next!];
    }
    expect(judgement!.verdict.satisfied).toBe(true);
    // Round 1 achieved −0.24 of −0.4; the secant through (as shot, as shot) asks 0.4 − 0.4/0.6.
    expect(rounds[1].targets[0].brightness).toBeCloseTo(0.4 - 0.4 / 0.6, 6);
    expect(rounds).toHaveLength(2);
  });

  it('the rest moving is unsatisfied but not revised (another round would render the same); clipped targets stop too', async () => {
    const d = await design('brighten the sky a little');
    const targets: Values[] = [{ brightness: 0.5 }, {}];
    const moved = report(d, targets, shot, (_, __, t) => t);
    moved.regions[1].achieved = { ...moved.regions[1].asShot, brightness: 0.05 };
    const j = judgeRound(d, [{ targets, report: moved }]);
    expect(j.verdict).toMatchObject({ satisfied: false, reason: expect.stringContaining('the rest moved: rest brightness by 0.050') });
    expect(j.next).toBeUndefined();
    const clipped = judgeRound(d, [{ targets, report: report(d, targets, shot, () => 0.42, true) }]);
    expect(clipped.verdict).toMatchObject({ satisfied: false, reason: expect.stringContaining('out of the renderer’s reach') });
    expect(clipped.next).toBeUndefined();
  });

  it('the best round: the satisfied one, else the least miss (a later one on a tie)', () => {
    expect(bestRound([{ n: 1, miss: 3, satisfied: false }, { n: 2, miss: 0.5, satisfied: true }])).toBe(2);
    expect(bestRound([{ n: 1, miss: 2, satisfied: false }, { n: 2, miss: 1.5, satisfied: false }, { n: 3, miss: 1.8, satisfied: false }])).toBe(2);
    expect(bestRound([{ n: 1, miss: 2, satisfied: false }, { n: 2, miss: 2, satisfied: false }])).toBe(2);
  });
});

describe('"more" and "less" after a parent edit', () => {
  const parent: Edit[] = [{ region: 'sky', attribute: 'brightness', delta: 0.1 }];

  it('reads the bare phrases (and nothing else)', () => {
    expect(relativeRequest('a bit more')).toEqual({ direction: 1, size: 0.1 });
    expect(relativeRequest('More!')).toEqual({ direction: 1, size: 0.2 });
    expect(relativeRequest('much more please')).toEqual({ direction: 1, size: 0.4 });
    expect(relativeRequest('a little less')).toEqual({ direction: -1, size: 0.1 });
    expect(relativeRequest('even more')).toEqual({ direction: 1, size: 0.2 });
    expect(relativeRequest('more contrast')).toBeUndefined();
    expect(relativeRequest('brighten the sky a little more')).toBeUndefined();
  });

  it('repeats the parent’s edits in its direction, or back — "less" never past the photo as shot', () => {
    expect(relativeEdits({ direction: 1, size: 0.1 }, parent)).toEqual([{ region: 'sky', attribute: 'brightness', delta: 0.1 }]);
    expect(relativeEdits({ direction: -1, size: 0.2 }, parent)).toEqual([{ region: 'sky', attribute: 'brightness', delta: -0.1 }]);
    expect(relativeEdits({ direction: 1, size: 0.4 }, [{ region: 'global', attribute: 'colorfulness', delta: -0.2, except: ['person'] }])).toEqual([{ region: 'global', attribute: 'colorfulness', delta: -0.4, except: ['person'] }]);
  });
});

describe('weak instructions and the confirmed look', () => {
  it('memory values per remembered label (its segments as one region), the global values elsewhere', () => {
    const round = planWeak({ global: { brightness: 0.1 }, labels: { sky: { temperature: -0.3 }, water: { brightness: 0.9 } } }, document, analysis);
    expect(round.wholeImage).toBeUndefined();
    expect(round.targets).toEqual([
      { id: 0, values: { ...all(0), brightness: 0.1, temperature: -0.3 } },
      { id: 2, values: { ...all(0), brightness: 0.1 } },
    ]);
    expect(round.regionGroups).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('no look, or no remembered label in this photo: the whole photo as one region (auto, or the global values)', () => {
    expect(planWeak(undefined, document, analysis)).toMatchObject({ wholeImage: true, targets: [{ id: 0, values: all(0) }] });
    expect(planWeak({ global: { contrast: 0.2 }, labels: { water: { brightness: 0.5 } } }, document, analysis).targets).toEqual([{ id: 0, values: { ...all(0), contrast: 0.2 } }]);
  });

  it('the confirmed look of a round: targets where it set them, each segment as shot elsewhere; per label area-weighted; whole-image rounds only globally', () => {
    const round = planWeak({ global: { brightness: 0.1 }, labels: { sky: { temperature: -0.3 } } }, document, analysis);
    const look = confirmedLook(round, document, analysis);
    expect(look.labels.sky).toEqual({ ...all(0), brightness: 0.1, temperature: -0.3 });
    expect(look.labels.person).toEqual({ ...all(0), brightness: 0.1 });
    expect(look.global.temperature).toBeCloseTo(-0.3 * 0.5, 4);
    expect(confirmedLook(planWeak(undefined, document, analysis), document, analysis)).toEqual({ global: all(0), labels: {} });
    // "brighten the sky": the sky at its target, vegetation and the person as shot (not the mean of "the rest").
    const sky = roundOfDesign({ groups: [{ ids: [0, 1], label: 'sky', carried: {}, deltas: { brightness: 0.1 } }, { ids: [2, 3], label: 'rest', carried: {}, deltas: {} }] }, [{ brightness: 0.6 }, {}], analysis);
    const strong = confirmedLook(sky, document, analysis);
    expect(strong.labels.sky).toEqual({ ...all(0), brightness: 0.6 });
    expect(strong.labels.vegetation).toEqual(all(-0.2));
    expect(strong.labels.person).toEqual(all(0.1));
  });
});
