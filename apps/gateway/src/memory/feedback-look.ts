/**
 * What an accepted feedback remembers: the job's result look (its scene document's
 * `confirmed`, per label and globally), corrected by the feedback's optional map the way a
 * map composes (design.md §4): its global values apply to the whole image and to every
 * label, then each region entry's values replace its label's. A region is named by a label
 * of this scene (as the segmenter wrote it: "sky", "vegetation") or by a region id of the
 * scene's table; anything else is a 400 — the memory stores labels, and a word that names
 * no region of this photo would be remembered for nothing.
 */
import type { ApiParameterMap, ConfirmedLook, ConfirmedValues, JobSceneDocument } from '@pertouch/contracts';
import { problem, type FieldError } from '../http/problem.js';

export function feedbackLook(scene: JobSceneDocument, map: ApiParameterMap | undefined): ConfirmedLook {
  const labels: Record<string, ConfirmedValues> = Object.fromEntries(Object.entries(scene.confirmed.labels).map(([label, values]) => [label, { ...values }]));
  const global: ConfirmedValues = { ...scene.confirmed.global };
  if (!map) return { global, labels };
  const known = new Set(scene.regions.map((r) => r.label));
  const errors: FieldError[] = [];
  const named = (map.regions ?? []).map((entry, i) => {
    const label = entry.label !== undefined ? entry.label.trim().toLowerCase() : scene.regions.find((r) => r.id === entry.id)?.label;
    if (label === undefined || !known.has(label)) {
      errors.push({ path: `map.regions.${i}`, message: `${entry.label !== undefined ? `label "${entry.label}"` : `region ${entry.id}`} is not in this job's scene (labels: ${[...known].sort().join(', ')})` });
    }
    return { label, values: defined(entry.values) };
  });
  if (errors.length > 0) throw problem('validation_failed', `invalid feedback map: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`.slice(0, 1000), { errors });
  if (map.global) {
    Object.assign(global, defined(map.global));
    for (const label of known) labels[label] = { ...labels[label], ...defined(map.global) };
  }
  for (const { label, values } of named) labels[label!] = { ...labels[label!], ...values };
  return { global, labels };
}

function defined(values: ConfirmedValues): ConfirmedValues {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as ConfirmedValues;
}
