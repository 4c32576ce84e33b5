/**
 * The job's scene document (contracts' JobSceneDocumentSchema), written when a job
 * succeeds: the scene descriptor the gpu-worker computed while analysing, the region
 * table, and the look of the result round per label and globally — what
 * `POST /v1/jobs/{id}/feedback` remembers when the user accepts the result.
 *
 * Per segment: its as-shot values, replaced by the targets of the region it was rendered in
 * where the round set them (a segment nobody edited was accepted as it is — not as the
 * mean of "the rest"). Per label and globally: the area-weighted mean over the segments. A
 * round rendered as one whole-image region (`auto`) says nothing per label: only its
 * global values count.
 */
import { ATTRIBUTE_NAMES, type AnalyseResult, type AttributeName, type ConfirmedLook, type JobSceneDocument, type RegionTargets, type SceneFeaturesData } from '@pertouch/contracts';
import type { RegionTable, RoundMap } from './plan.js';

/** The round a job's result is: its number, its map and the targets it asked. */
export interface ResultRound {
  readonly n: number;
  readonly map: RoundMap;
  readonly targets: RegionTargets;
}

export function sceneDocument(jobId: string, scene: SceneFeaturesData, document: RegionTable, analysis: AnalyseResult, round: ResultRound): JobSceneDocument {
  return {
    format: 1,
    jobId,
    scene,
    regions: document.regions.map((r) => ({ id: r.id, label: r.label })),
    round: round.n,
    confirmed: confirmedLook(round, document, analysis),
  };
}

export function confirmedLook(round: Pick<ResultRound, 'map' | 'targets'>, document: RegionTable, analysis: AnalyseResult): ConfirmedLook {
  const { map, targets } = round;
  if (map.wholeImage) return { global: { ...map.regions[0].values }, labels: {} };
  const targetOf = new Map(targets.map((t) => [t.id, t.values]));
  const segments = new Map<number, { area: number; values: Record<AttributeName, number> }>();
  for (const region of map.regions) {
    for (const id of region.ids) {
      const measured = analysis.regions.find((r) => r.id === id);
      if (!measured) continue;
      const asShot = Object.fromEntries(ATTRIBUTE_NAMES.map((a) => [a, measured.values[a] ?? 0])) as Record<AttributeName, number>;
      segments.set(id, { area: measured.area, values: { ...asShot, ...targetOf.get(region.id) } });
    }
  }
  const parts = (ids: readonly number[]) => ids.flatMap((id) => (segments.has(id) ? [segments.get(id)!] : []));
  const labels: Record<string, Record<AttributeName, number>> = {};
  for (const label of new Set(document.regions.map((r) => r.label))) {
    const mean = weightedMean(parts(document.regions.filter((r) => r.label === label).map((r) => r.id)));
    if (mean) labels[label] = mean;
  }
  return { global: weightedMean([...segments.values()]) ?? {}, labels };
}

function weightedMean(parts: readonly { area: number; values: Record<AttributeName, number> }[]): Record<AttributeName, number> | undefined {
  const area = parts.reduce((sum, p) => sum + p.area, 0);
  if (area <= 0) return undefined;
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return Object.fromEntries(ATTRIBUTE_NAMES.map((a) => [a, round(Math.max(-1, Math.min(1, parts.reduce((sum, p) => sum + p.values[a] * p.area, 0) / area)))])) as Record<AttributeName, number>;
}
