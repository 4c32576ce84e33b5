/**
 * Strong instructions → the rounds' targets (design.md §4, §6): every grounded edit adds
 * its delta to the current value of its regions, clamped to [-1, 1]; regions no edit
 * names keep their current values. "Current" is the photo as shot — or, for a follow-up,
 * the parent's result: as shot plus the shift the parent's targets made (BaseLook).
 */
import { ATTRIBUTE_NAMES, type AnalyseResult, type AttributeName, type RenderReportDocument } from '@pertouch/contracts';
import type { GroundedEdit } from './grounding.js';
import { groupBySignature, roundOfGroups, type PlannedRound, type RegionTable, type Values } from './plan.js';

/** What a follow-up starts from: the parent's result round, as shifts from the as-shot look. */
export interface BaseLook {
  /** Region id → the parent's group (index into `shifts`); ids absent were in no targeted group. */
  readonly groupOf: ReadonlyMap<number, number>;
  /** Per parent group: its target minus its as-shot value, for the attributes it changed. */
  readonly shifts: readonly Values[];
}

/** One set of regions rendered as one region, and what happens to it. */
export interface DesignGroup {
  readonly ids: readonly number[];
  readonly label: string | undefined;
  /** The parent's shift (a follow-up keeps the parent's look); empty for a fresh job. */
  readonly carried: Values;
  /** This instruction's change, summed over the edits that cover the group. */
  readonly deltas: Values;
}

export interface StrongDesign {
  readonly groups: readonly DesignGroup[];
}

/**
 * Groups regions the instruction (and the parent's look) treats alike: regions covered by
 * the same edits (and in the same parent group) render as one, like a map's label groups,
 * so one sky gets one transform. Everything no edit covers is "the rest".
 */
export function designStrong(grounded: readonly GroundedEdit[], document: RegionTable, analysis: AnalyseResult, base?: BaseLook): StrongDesign {
  const labels = new Map(document.regions.map((r) => [r.id, r.label]));
  const signature = (id: number) => `${grounded.flatMap((g, i) => (g.ids.includes(id) ? [i] : [])).join(',')}|${base?.groupOf.get(id) ?? ''}`;
  const groups = groupBySignature(document, analysis, signature).map(({ key, ids }): DesignGroup => {
    const [edits, parent] = key.split('|');
    const including = edits === '' ? [] : edits.split(',').map((i) => grounded[Number(i)].edit);
    const deltas: Values = {};
    for (const edit of including) deltas[edit.attribute] = (deltas[edit.attribute] ?? 0) + edit.delta;
    const p = parent === '' || !base ? undefined : Number(parent);
    const carried = p === undefined ? {} : { ...base!.shifts[p] };
    return { ids, label: groupLabel(ids, including.map((e) => e.region), labels), carried, deltas };
  });
  return { groups };
}

function groupLabel(ids: readonly number[], regions: readonly string[], labels: ReadonlyMap<number, string>): string | undefined {
  const named = regions.filter((r) => r !== 'global').at(-1);
  if (named) return named;
  const distinct = new Set(ids.map((id) => labels.get(id)).filter((l) => l !== undefined));
  return distinct.size === 1 ? [...distinct][0] : 'rest';
}

const clamp = (x: number) => Math.max(-1, Math.min(1, x));

/** The values a group should end at: current (as shot + carried) + delta, for every attribute the design touches. */
export function wantedValues(group: DesignGroup, asShot: Readonly<Record<AttributeName, number>>): Values {
  const wanted: Values = {};
  for (const a of ATTRIBUTE_NAMES) {
    if (group.carried[a] === undefined && group.deltas[a] === undefined) continue;
    wanted[a] = clamp(asShot[a] + (group.carried[a] ?? 0) + (group.deltas[a] ?? 0));
  }
  return wanted;
}

/**
 * Round 1 as shifts: every group the design changes moves by carried + delta from its
 * as-shot value, which the renderer measures on the group itself (RegionTargetsSchema
 * `shifts`) — exact, where the analysis knows only the as-shot values of the group's
 * segments (their area-weighted mean is not the group's value).
 */
export function initialShifts(design: StrongDesign): Values[] {
  return design.groups.map((g) => {
    const shifts: Values = {};
    for (const a of ATTRIBUTE_NAMES) {
      if (g.carried[a] === undefined && g.deltas[a] === undefined) continue;
      shifts[a] = (g.carried[a] ?? 0) + (g.deltas[a] ?? 0);
    }
    return shifts;
  });
}

/** The round that renders these per-group targets (absolute), or shifts (`{ shifts }`, round 1). */
export function roundOfDesign(design: StrongDesign, targets: readonly Values[] | { readonly shifts: readonly Values[] }, analysis: AnalyseResult): PlannedRound {
  return roundOfGroups(
    design.groups.map((g, i) => ('shifts' in targets ? { ids: g.ids, label: g.label, values: {}, shifts: targets.shifts[i] } : { ids: g.ids, label: g.label, values: targets[i] })),
    analysis,
  );
}

/** Per group, the absolute targets a round's report shows for the attributes `shifts` moved. */
export function targetsOfReport(design: StrongDesign, shifts: readonly Values[], report: RenderReportDocument): Values[] {
  return design.groups.map((g, i) => {
    const region = reportRegion(report, g);
    const targets: Values = {};
    for (const a of Object.keys(shifts[i]) as AttributeName[]) if (region) targets[a] = region.target[a];
    return targets;
  });
}

/** A group's region in a round's report (the renderer knows a group by its first id). */
export function reportRegion(report: RenderReportDocument, group: DesignGroup): RenderReportDocument['regions'][number] | undefined {
  return report.regions.find((r) => r.id === group.ids[0]);
}
