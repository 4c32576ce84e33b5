/** A user's overall tendency: the mean of their confirmed values per (label, attribute) and globally. */
import type { AttributeName, AttributeValues, TendencyCell, UserTendency } from '../ports.js';

export const ATTRIBUTE_NAMES: readonly AttributeName[] = ['colorfulness', 'contrast', 'temperature', 'brightness'];

export const EMPTY_TENDENCY: UserTendency = { global: {}, labels: {} };

type MutableCells = Partial<Record<AttributeName, { sum: number; count: number }>>;

function add(cells: MutableCells, values: AttributeValues | undefined): void {
  if (!values) return;
  for (const a of ATTRIBUTE_NAMES) {
    const v = values[a];
    if (v === undefined || !Number.isFinite(v)) continue;
    const cell = (cells[a] ??= { sum: 0, count: 0 });
    cell.sum += v;
    cell.count += 1;
  }
}

function means(cells: MutableCells): Partial<Record<AttributeName, TendencyCell>> {
  const out: Partial<Record<AttributeName, TendencyCell>> = {};
  for (const a of ATTRIBUTE_NAMES) {
    const cell = cells[a];
    if (cell) out[a] = { mean: cell.sum / cell.count, count: cell.count };
  }
  return out;
}

/** The tendency of a set of confirmed scenes (the in-memory repository; the fallback when a repository has no `tendency`). */
export function tendencyOfScenes(scenes: readonly { readonly global?: AttributeValues; readonly labels: Readonly<Record<string, AttributeValues>> }[]): UserTendency {
  const global: MutableCells = {};
  const labels = new Map<string, MutableCells>();
  for (const scene of scenes) {
    add(global, scene.global);
    for (const [label, values] of Object.entries(scene.labels)) {
      let cells = labels.get(label);
      if (!cells) labels.set(label, (cells = {}));
      add(cells, values);
    }
  }
  return { global: means(global), labels: Object.fromEntries([...labels].map(([label, cells]) => [label, means(cells)])) };
}
