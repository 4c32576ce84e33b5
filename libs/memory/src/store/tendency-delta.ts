/**
 * How a confirmation changes a user's running sums (scene_memory_tendencies): + the new
 * values, − the values of the confirmation it replaces. Pure.
 */
import { ATTRIBUTE_NAMES } from '../estimate/tendency.js';
import type { AttributeValues } from '../ports.js';

/** The label of the global entry in scene_memory_tendencies (a region label is never empty). */
export const GLOBAL_LABEL = '';

export interface StoredValues {
  readonly global?: AttributeValues;
  readonly labels: Readonly<Record<string, AttributeValues>>;
}

export interface TendencyChange {
  readonly label: string;
  readonly attribute: string;
  readonly total: number;
  readonly count: number;
}

function cells(values: StoredValues): Map<string, { label: string; attribute: string; value: number }> {
  const out = new Map<string, { label: string; attribute: string; value: number }>();
  const add = (label: string, v: AttributeValues | undefined) => {
    for (const a of ATTRIBUTE_NAMES) {
      const value = v?.[a];
      if (value !== undefined && Number.isFinite(value)) out.set(JSON.stringify([label, a]), { label, attribute: a, value });
    }
  };
  add(GLOBAL_LABEL, values.global);
  for (const [label, v] of Object.entries(values.labels)) add(label, v);
  return out;
}

/** The changes to apply, leaving out cells that do not change (a re-delivered, identical confirmation changes nothing). */
export function tendencyDelta(previous: StoredValues | undefined, next: StoredValues): TendencyChange[] {
  const before = previous ? cells(previous) : new Map();
  const after = cells(next);
  const changes: TendencyChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    const total = (a?.value ?? 0) - (b?.value ?? 0);
    const count = (a ? 1 : 0) - (b ? 1 : 0);
    if (total === 0 && count === 0) continue;
    const { label, attribute } = (a ?? b)!;
    changes.push({ label, attribute, total, count });
  }
  return changes;
}
