/**
 * Weak instructions ("optimize", "auto", "the way I usually like"; paper §3.3): the
 * automatic look — every value 0, the corpus median — tailored by what this user
 * confirmed on similar scenes (the scene memory's estimate, libs/memory).
 *
 * - Every label of the photo the estimate has values for: all regions with that label,
 *   rendered as one, to those values (an attribute the label has no evidence for takes
 *   the estimate's global value, else 0).
 * - Everything else, as one region: the estimate's global values (0 where it has none).
 * - No label with evidence: the whole photo as one region to the global values, like
 *   `auto` — which is exactly what a job without userId, or a user with no memory, gets.
 */
import { ATTRIBUTE_NAMES, type AnalyseResult, type AttributeName, type ConfirmedLook } from '@pertouch/contracts';
import { AUTO_VALUES, groupBySignature, measuredRegions, roundOfGroups, wholeImageRound, type PlannedRound, type RegionTable, type Values } from './plan.js';

export function planWeak(look: ConfirmedLook | undefined, document: RegionTable, analysis: AnalyseResult): PlannedRound {
  const global = filled(look?.global);
  const measured = measuredRegions(analysis);
  const present = new Set(document.regions.filter((r) => measured.has(r.id)).map((r) => r.label));
  const remembered = new Set(Object.entries(look?.labels ?? {}).filter(([label, values]) => present.has(label) && hasValues(values)).map(([label]) => label));
  if (remembered.size === 0) return wholeImageRound(global);
  const labelOf = new Map(document.regions.map((r) => [r.id, r.label]));
  const signature = (id: number) => {
    const label = labelOf.get(id);
    return label !== undefined && remembered.has(label) ? label : '';
  };
  const groups = groupBySignature(document, analysis, signature).map(({ key, ids }) => ({
    ids,
    label: key === '' ? 'rest' : key,
    values: key === '' ? global : { ...global, ...definedOnly(look!.labels[key]) },
  }));
  return roundOfGroups(groups, analysis);
}

function hasValues(values: Values | undefined): boolean {
  return values !== undefined && ATTRIBUTE_NAMES.some((a) => typeof values[a] === 'number');
}

function definedOnly(values: Values): Values {
  return Object.fromEntries(ATTRIBUTE_NAMES.flatMap((a) => (typeof values[a] === 'number' ? [[a, values[a]]] : []))) as Values;
}

function filled(values: Values | undefined): Record<AttributeName, number> {
  return { ...AUTO_VALUES, ...(values ? definedOnly(values) : {}) };
}
