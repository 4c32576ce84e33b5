import { ATTRIBUTE_NAMES, type AnalyseResult, type ApiAttributeValues, type ApiParameterMap, type AttributeName, type RegionTargets, type RenderReportDocument, type SegmentationDocument } from '@pertouch/contracts';
import { PipelineFailure } from './failures.js';
import type { LabelResolver } from './labels.js';
import type { EditRequest } from './request.js';

export type Values = Partial<Record<AttributeName, number>>;

export const AUTO_VALUES = Object.fromEntries(ATTRIBUTE_NAMES.map((a) => [a, 0])) as Record<AttributeName, number>;

/** One region of a round's map: all four values (as shot unless the request set them). */
export interface RoundMapRegion {
  /** The id the renderer knows the region by: the first of `ids`. */
  readonly id: number;
  readonly label?: string;
  /** The segmentation's regions rendered as this one (a label spanning several segments, "the rest"). */
  readonly ids: readonly number[];
  readonly values: Record<AttributeName, number>;
}

/** A round's map as stored with the round and shown to clients. */
export interface RoundMap {
  readonly regions: readonly RoundMapRegion[];
  /** The whole photo was rendered as one region (`auto`, a weak instruction without memory). */
  readonly wholeImage?: true;
}

export interface PlannedRound {
  /** What the renderer is asked: per region, the values the request sets (the rest stay as shot). */
  readonly targets: RegionTargets;
  readonly map: RoundMap;
  /** Render the whole image as one region (id 0), ignoring the segmentation (`auto`). */
  readonly wholeImage?: boolean;
  /** Regions rendered as one (each group takes its first id); see planMap. */
  readonly regionGroups?: readonly (readonly number[])[];
}

export interface PlanInputs {
  readonly request: EditRequest;
  /** The as-shot map (gpu-worker `analyse`): only regions measurable at the working size. */
  readonly analysis: AnalyseResult;
  /** The segmenter's region table: ids and labels (and the labels it could not produce, for error messages). */
  readonly document: RegionTable;
  readonly resolveLabel: LabelResolver;
}

/**
 * Plans the one round of a map or auto job (design.md §4):
 *
 * - `auto`: the whole photo to the corpus-median look (all four values 0), as one region:
 *   one transform for every pixel, so regions keep their relations and no seam can appear
 *   between them (per-region targets are for maps and instructions);
 * - `map`: the global values apply to every region, then each region entry's values
 *   replace that region's; a region is named by id or by a label resolved against the
 *   segmentation (every matching region). A label that matches nothing fails the job
 *   `label_not_found` with the image's labels — it never falls back to the whole image.
 *
 * Instructions are planned by instruction-plan.ts (they may take several rounds).
 */
export async function planRound(inputs: PlanInputs): Promise<PlannedRound> {
  const { request } = inputs;
  switch (request.kind) {
    case 'instruction':
      throw new Error('instructions are planned by planInstruction');
    case 'auto':
      return wholeImageRound(AUTO_VALUES);
    case 'map':
      return planMap(request.map, inputs);
  }
}

/** The whole photo rendered as one region (id 0) to these values. */
export function wholeImageRound(values: Record<AttributeName, number>): PlannedRound {
  return {
    targets: [{ id: 0, values: { ...values } }],
    map: { regions: [{ id: 0, label: 'whole image', ids: [0], values: { ...values } }], wholeImage: true },
    wholeImage: true,
  };
}

export type RegionTable = Pick<SegmentationDocument, 'regions'> & { readonly unavailable?: readonly string[] };

/** A set of regions rendered as one, and the values the request gives it (unset ones stay as shot). */
export interface Group {
  readonly ids: readonly number[];
  readonly label: string | undefined;
  readonly values: Values;
  /** Changes from the group's as-shot value, which the renderer measures (RegionTargetsSchema `shifts`). */
  readonly shifts?: Values;
}

/**
 * Regions that the request treats alike are rendered as one region: every region a label
 * names ("sky" is often several segments), and everything the map does not name ("the
 * rest"). One region gets one transform, so no seam can open between segments of one sky
 * that were pushed to the same absolute target from different starting points.
 * Precisely: regions with the same membership (which map entries include them) form a
 * group; its values are the global ones, then each including entry's in map order.
 */
async function planMap(map: ApiParameterMap, inputs: PlanInputs): Promise<PlannedRound> {
  const { analysis, document } = inputs;
  const measured = measuredRegions(analysis);
  const entries = map.regions ?? [];
  const members: number[][] = [];
  for (const [i, entry] of entries.entries()) {
    members.push(entry.id !== undefined ? [checkId(entry.id, i, measured, inputs)] : await idsOfLabel(entry.label!, `map.regions.${i}`, measured, inputs));
  }
  const labels = new Map(document.regions.map((r) => [r.id, r.label]));
  const groups = groupBySignature(document, analysis, (id) => entries.flatMap((_, i) => (members[i].includes(id) ? [i] : [])).join(',')).map(({ key, ids }): Group => {
    const including = key === '' ? [] : key.split(',').map(Number);
    const values: Values = { ...(map.global ? definedValues(map.global) : {}) };
    for (const i of including) Object.assign(values, definedValues(entries[i].values));
    const last = including.at(-1);
    const label = last === undefined ? (entries.length > 0 ? 'rest' : undefined) : (entries[last].label ?? labels.get(ids[0]));
    return { ids, label, values };
  });
  return roundOfGroups(groups, analysis);
}

/** The measured regions of an analysis, by id. */
export function measuredRegions(analysis: AnalyseResult): ReadonlyMap<number, AnalyseResult['regions'][number]> {
  return new Map(analysis.regions.map((r) => [r.id, r]));
}

/**
 * Every region id of the segmentation (and of the analysis), grouped by `signature`:
 * ids with the same signature form one group, in id order; groups without a measurable
 * region are dropped (nothing of them survives at the working size).
 */
export function groupBySignature(document: RegionTable, analysis: AnalyseResult, signature: (id: number) => string): { key: string; ids: number[] }[] {
  const measured = measuredRegions(analysis);
  const allIds = [...new Set([...document.regions.map((r) => r.id), ...measured.keys()])].sort((a, b) => a - b);
  const bySignature = new Map<string, number[]>();
  for (const id of allIds) {
    const key = signature(id);
    const ids = bySignature.get(key) ?? [];
    ids.push(id);
    bySignature.set(key, ids);
  }
  return [...bySignature.entries()].filter(([, ids]) => ids.some((id) => measured.has(id))).map(([key, ids]) => ({ key, ids }));
}

/** The round that renders these groups: targets for the groups that set values, the map of all of them. */
export function roundOfGroups(groups: readonly Group[], analysis: AnalyseResult): PlannedRound {
  const measured = measuredRegions(analysis);
  return {
    targets: groups
      .filter((g) => Object.keys(g.values).length > 0 || Object.keys(g.shifts ?? {}).length > 0)
      .map((g) => (g.shifts && Object.keys(g.shifts).length > 0 ? { id: g.ids[0], values: { ...g.values }, shifts: { ...g.shifts } } : { id: g.ids[0], values: { ...g.values } })),
    map: {
      regions: groups.map((g) => {
        const asShot = asShotOfGroup(g.ids, measured);
        const shifted = Object.fromEntries(Object.entries(g.shifts ?? {}).map(([a, shift]) => [a, Math.max(-1, Math.min(1, asShot[a as AttributeName] + shift))]));
        const values = { ...asShot, ...shifted, ...g.values };
        return g.label === undefined ? { id: g.ids[0], ids: [...g.ids], values } : { id: g.ids[0], label: g.label, ids: [...g.ids], values };
      }),
    },
    regionGroups: groups.filter((g) => g.ids.length > 1).map((g) => [...g.ids]),
  };
}

/** The targets as the renderer resolved them: every shift replaced by the absolute target the round's report shows. */
export function resolvedTargets(targets: RegionTargets, report: RenderReportDocument): RegionTargets {
  return targets.map(({ id, values, shifts }) => {
    const region = report.regions.find((r) => r.id === id);
    if (!shifts || !region) return { id, values: { ...values } };
    const resolved = { ...values };
    for (const a of Object.keys(shifts) as AttributeName[]) resolved[a] = region.target[a];
    return { id, values: resolved };
  });
}

/**
 * A group's as-shot values for the stored map: the area-weighted mean of its measured
 * regions (an approximation — the round's report carries the values measured on the
 * group itself).
 */
export function asShotOfGroup(ids: readonly number[], measured: ReadonlyMap<number, AnalyseResult['regions'][number]>): Record<AttributeName, number> {
  const parts = ids.flatMap((id) => (measured.has(id) ? [measured.get(id)!] : []));
  const area = parts.reduce((sum, r) => sum + r.area, 0) || 1;
  return Object.fromEntries(ATTRIBUTE_NAMES.map((a) => [a, parts.reduce((sum, r) => sum + (r.values[a] ?? 0) * r.area, 0) / area])) as Record<AttributeName, number>;
}

export function definedValues(values: ApiAttributeValues): Values {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Values;
}

function checkId(id: number, index: number, set: ReadonlyMap<number, unknown>, { document }: PlanInputs): number {
  if (set.has(id)) return id;
  const known = document.regions.find((r) => r.id === id);
  if (known) throw new PipelineFailure('invalid_map', `map.regions.${index}: region ${id} (${known.label}) is too small to measure or edit`);
  const ids = [...set.keys()].sort((a, b) => a - b).join(', ');
  throw new PipelineFailure('invalid_map', `map.regions.${index}: region ${id} is not in the image's segmentation (regions: ${ids})`);
}

/**
 * Every region the label names (measurable or not: a group is measured as a whole); at
 * least one measurable, else `label_not_found` listing the labels the image has (and the
 * ones this deployment cannot produce without its optional models).
 */
export async function idsOfLabel(label: string, where: string, set: ReadonlyMap<number, unknown>, { document, resolveLabel }: Pick<PlanInputs, 'document' | 'resolveLabel'>): Promise<number[]> {
  let ids: number[];
  try {
    ids = await resolveLabel(document, label);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'unknown_label') throw error;
    ids = [];
  }
  if (ids.some((id) => set.has(id))) return ids;
  const available = [...new Set(document.regions.filter((r) => set.has(r.id)).map((r) => r.label))].sort();
  const couldBe = await unavailableMatches(label, document, resolveLabel);
  const missing = couldBe.length ? `; without its optional models this deployment does not label ${couldBe.join(', ')}` : '';
  throw new PipelineFailure('label_not_found', `${where}: no region of this image matches "${label}" (labels in this image: ${available.join(', ') || 'none'}${missing})`);
}

/** The labels the segmenter could not produce here (optional models absent) that would have answered `label`. */
async function unavailableMatches(label: string, document: RegionTable, resolveLabel: LabelResolver): Promise<string[]> {
  const out: string[] = [];
  for (const candidate of document.unavailable ?? []) {
    const region = { id: 0, area: 1, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, centroid: { x: 0, y: 0 }, label: candidate, confidence: 1, engine: '' };
    const ids: number[] = await resolveLabel({ regions: [region] }, label).catch(() => []);
    if (ids.includes(0)) out.push(candidate);
  }
  return out;
}
