import { ATTRIBUTE_NAMES, type AnalyseResult, type ApiAttributeValues, type ApiParameterMap, type AttributeName, type RegionTargets, type SegmentationDocument } from '@pertouch/contracts';
import { PipelineFailure } from './failures.js';
import type { LabelResolver } from './labels.js';
import type { EditRequest } from './request.js';

type Values = Partial<Record<AttributeName, number>>;

const AUTO_VALUES = Object.fromEntries(ATTRIBUTE_NAMES.map((a) => [a, 0])) as Record<AttributeName, number>;

/** One region of a round's map: all four values (as shot unless the request set them). */
export interface RoundMapRegion {
  readonly id: number;
  readonly label?: string;
  readonly values: Record<AttributeName, number>;
}

export interface PlannedRound {
  /** What the renderer is asked: per region, the values the request sets (the rest stay as shot). */
  readonly targets: RegionTargets;
  /** The round's map as stored with the round and shown to clients. */
  readonly map: { readonly regions: readonly RoundMapRegion[] };
  /** Render the whole image as one region (id 0), ignoring the segmentation (`auto`). */
  readonly wholeImage?: boolean;
  /** Regions rendered as one (each group takes its first id); see planMap. */
  readonly regionGroups?: readonly (readonly number[])[];
}

export interface PlanInputs {
  readonly request: EditRequest;
  /** The as-shot map (gpu-worker `analyse`): only regions measurable at the working size. */
  readonly analysis: AnalyseResult;
  /** The segmenter's region table: ids and labels. */
  readonly document: Pick<SegmentationDocument, 'regions'>;
  readonly resolveLabel: LabelResolver;
}

/**
 * Plans one round (design.md §4):
 *
 * - `auto`: the whole photo to the corpus-median look (all four values 0), as one region:
 *   one transform for every pixel, so regions keep their relations and no seam can appear
 *   between them (per-region targets are for maps and instructions);
 * - `map`: the global values apply to every region, then each region entry's values
 *   replace that region's; a region is named by id or by a label resolved against the
 *   segmentation (every matching region). A label that matches nothing fails the job
 *   `label_not_found` with the image's labels — it never falls back to the whole image;
 * - `instruction`: not understood yet (`instruction_not_supported`; the agent issue).
 */
export async function planRound(inputs: PlanInputs): Promise<PlannedRound> {
  const { request } = inputs;
  switch (request.kind) {
    case 'instruction':
      throw new PipelineFailure('instruction_not_supported', 'plain-language instructions are not understood yet; send a map or auto');
    case 'auto':
      return {
        targets: [{ id: 0, values: { ...AUTO_VALUES } }],
        map: { regions: [{ id: 0, label: 'whole image', values: { ...AUTO_VALUES } }] },
        wholeImage: true,
      };
    case 'map':
      return planMap(request.map, inputs);
  }
}

/** A set of regions rendered as one, and the values the request gives it. */
interface Group {
  readonly ids: number[];
  readonly label: string | undefined;
  readonly values: Values;
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
  const measured = new Map(analysis.regions.map((r) => [r.id, r]));
  const entries = map.regions ?? [];
  const members: number[][] = [];
  for (const [i, entry] of entries.entries()) {
    members.push(entry.id !== undefined ? [checkId(entry.id, i, measured, inputs)] : await idsOfLabel(entry.label!, i, measured, inputs));
  }
  const labels = new Map(document.regions.map((r) => [r.id, r.label]));
  const allIds = [...new Set([...document.regions.map((r) => r.id), ...measured.keys()])].sort((a, b) => a - b);
  const bySignature = new Map<string, Group>();
  for (const id of allIds) {
    const including = entries.flatMap((_, i) => (members[i].includes(id) ? [i] : []));
    const key = including.join(',');
    let group = bySignature.get(key);
    if (!group) {
      const values: Values = { ...(map.global ? definedValues(map.global) : {}) };
      for (const i of including) Object.assign(values, definedValues(entries[i].values));
      const last = including.at(-1);
      const label = last === undefined ? (entries.length > 0 ? 'rest' : undefined) : (entries[last].label ?? labels.get(id));
      group = { ids: [], label, values };
      bySignature.set(key, group);
    }
    group.ids.push(id);
  }
  const groups = [...bySignature.values()].filter((g) => g.ids.some((id) => measured.has(id)));
  return {
    targets: groups.filter((g) => Object.keys(g.values).length > 0).map((g) => ({ id: g.ids[0], values: { ...g.values } })),
    map: {
      regions: groups.map((g) => {
        const values = { ...asShotOfGroup(g.ids, measured), ...g.values };
        return g.label === undefined ? { id: g.ids[0], values } : { id: g.ids[0], label: g.label, values };
      }),
    },
    regionGroups: groups.filter((g) => g.ids.length > 1).map((g) => g.ids),
  };
}

/**
 * A group's as-shot values for the stored map: the area-weighted mean of its measured
 * regions (an approximation — the round's report carries the values measured on the
 * group itself).
 */
function asShotOfGroup(ids: readonly number[], measured: ReadonlyMap<number, AnalyseResult['regions'][number]>): Record<AttributeName, number> {
  const parts = ids.flatMap((id) => (measured.has(id) ? [measured.get(id)!] : []));
  const area = parts.reduce((sum, r) => sum + r.area, 0) || 1;
  return Object.fromEntries(ATTRIBUTE_NAMES.map((a) => [a, parts.reduce((sum, r) => sum + (r.values[a] ?? 0) * r.area, 0) / area])) as Record<AttributeName, number>;
}

function definedValues(values: ApiAttributeValues): Values {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Values;
}

function checkId(id: number, index: number, set: ReadonlyMap<number, unknown>, { document }: PlanInputs): number {
  if (set.has(id)) return id;
  const known = document.regions.find((r) => r.id === id);
  if (known) throw new PipelineFailure('invalid_map', `map.regions.${index}: region ${id} (${known.label}) is too small to measure or edit`);
  const ids = [...set.keys()].sort((a, b) => a - b).join(', ');
  throw new PipelineFailure('invalid_map', `map.regions.${index}: region ${id} is not in the image's segmentation (regions: ${ids})`);
}

/** Every region the label names (measurable or not: a group is measured as a whole); at least one measurable. */
async function idsOfLabel(label: string, index: number, set: ReadonlyMap<number, unknown>, { document, resolveLabel }: PlanInputs): Promise<number[]> {
  let ids: number[];
  try {
    ids = await resolveLabel(document, label);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'unknown_label') throw error;
    ids = [];
  }
  if (ids.some((id) => set.has(id))) return ids;
  const available = [...new Set(document.regions.filter((r) => set.has(r.id)).map((r) => r.label))].sort();
  throw new PipelineFailure(
    'label_not_found',
    `map.regions.${index}: no region of this image matches "${label}" (labels in this image: ${available.join(', ') || 'none'})`,
  );
}
