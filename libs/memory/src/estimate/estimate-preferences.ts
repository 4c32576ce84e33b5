/**
 * p(c | f; M): what this user probably wants for a new scene, from the scenes of theirs
 * that look most like it (libs/memory/README.md, "The estimate"). Pure.
 *
 *   w_i   = max(0, 1 − d_i / d_max)^p                       similarity weight of neighbour i
 *   t     = n · m / (n + λ₀)                                 the user's tendency (mean m of n values), shrunk toward 0
 *   value = (Σ w_i · v_i + λ · t) / (Σ w_i + λ)              over the neighbours that have the label and attribute
 *
 * With no neighbour that has the label the value is t; with no tendency either, 0.
 */
import type { AttributeName, AttributeValues, PreferenceEstimate, SceneNeighbour, TendencyCell, UserTendency } from '../ports.js';
import { ATTRIBUTE_NAMES, EMPTY_TENDENCY } from './tendency.js';

export interface EstimateOptions {
  /** d_max: cosine distance at which a neighbour stops counting (weight 0). */
  readonly maxDistance?: number;
  /** p: how sharply the weight falls with distance (1 linear, 2 quadratic …). */
  readonly sharpness?: number;
  /** λ: the tendency's strength, in units of neighbour weight (one identical scene weighs 1). */
  readonly priorStrength?: number;
  /** λ₀: the strength of 0 against the tendency, in scenes. */
  readonly tendencyPriorStrength?: number;
  /** The user's overall tendency (MemoryRepository.tendency); without it the fallback is 0. */
  readonly tendency?: UserTendency;
}

/**
 * Defaults, chosen on the descriptor's distances between the sample photos (README):
 * near-identical scenes are ~0.1 apart, scenes of one kind 0.2–0.5, unrelated photos
 * 0.6–1.3. So a neighbour at 0.2 weighs 0.56, at 0.5 0.14, beyond 0.8 nothing.
 */
export const DEFAULT_ESTIMATE_OPTIONS = {
  maxDistance: 0.8,
  sharpness: 2,
  priorStrength: 0.5,
  tendencyPriorStrength: 1,
} as const satisfies EstimateOptions;

/** w = max(0, 1 − d / d_max)^p. */
export function neighbourWeight(distance: number, maxDistance: number = DEFAULT_ESTIMATE_OPTIONS.maxDistance, sharpness: number = DEFAULT_ESTIMATE_OPTIONS.sharpness): number {
  if (!Number.isFinite(distance)) return 0;
  return Math.max(0, 1 - distance / maxDistance) ** sharpness;
}

/** The tendency shrunk toward 0: n · m / (n + λ₀); 0 without a cell. */
export function shrunkTendency(cell: TendencyCell | undefined, tendencyPriorStrength: number): number {
  if (!cell || cell.count <= 0 || !Number.isFinite(cell.mean)) return 0;
  return (cell.count * cell.mean) / (cell.count + tendencyPriorStrength);
}

function checkOptions(o: Required<Omit<EstimateOptions, 'tendency'>>): void {
  if (!(o.maxDistance > 0)) throw new RangeError(`estimatePreferences: maxDistance must be > 0 (got ${o.maxDistance})`);
  if (!(o.sharpness > 0)) throw new RangeError(`estimatePreferences: sharpness must be > 0 (got ${o.sharpness})`);
  if (!(o.priorStrength >= 0)) throw new RangeError(`estimatePreferences: priorStrength must be ≥ 0 (got ${o.priorStrength})`);
  if (!(o.tendencyPriorStrength >= 0)) throw new RangeError(`estimatePreferences: tendencyPriorStrength must be ≥ 0 (got ${o.tendencyPriorStrength})`);
}

const clamp = (v: number) => Math.max(-1, Math.min(1, v));

/** Per attribute: (Σw·v + λ·t) / (Σw + λ) over the sources that have a value, clamped to [-1, 1]. */
function blend(
  sources: readonly { weight: number; values: AttributeValues | undefined }[],
  tendency: Readonly<Partial<Record<AttributeName, TendencyCell>>> | undefined,
  priorStrength: number,
  tendencyPriorStrength: number,
): AttributeValues {
  const out: AttributeValues = {};
  for (const a of ATTRIBUTE_NAMES) {
    let weighted = 0;
    let weight = 0;
    for (const { weight: w, values } of sources) {
      const v = values?.[a];
      if (v === undefined || !Number.isFinite(v) || w <= 0) continue;
      weighted += w * v;
      weight += w;
    }
    const prior = shrunkTendency(tendency?.[a], tendencyPriorStrength);
    const total = weight + priorStrength;
    out[a] = clamp(total > 0 ? (weighted + priorStrength * prior) / total : prior);
  }
  return out;
}

function evidenceOf(weight: number, priorStrength: number): number {
  const total = weight + priorStrength;
  return total > 0 ? weight / total : 0;
}

/**
 * The estimate for a scene with `sceneLabels`, from its nearest scenes of this user. Every
 * scene label and the global entry get all four attributes (0 where nothing is known);
 * `labelEvidence` says how much of each label's values came from similar scenes.
 */
export function estimatePreferences(neighbours: readonly SceneNeighbour[], sceneLabels: readonly string[], options: EstimateOptions = {}): PreferenceEstimate {
  const o = { ...DEFAULT_ESTIMATE_OPTIONS, ...withoutUndefined(options) };
  checkOptions(o);
  const tendency = options.tendency ?? EMPTY_TENDENCY;
  const weighted = neighbours.map((n) => ({ neighbour: n, weight: neighbourWeight(n.distance, o.maxDistance, o.sharpness) }));

  const global = blend(
    weighted.map(({ neighbour, weight }) => ({ weight, values: neighbour.global })),
    tendency.global,
    o.priorStrength,
    o.tendencyPriorStrength,
  );
  const labels: Record<string, AttributeValues> = {};
  const labelEvidence: Record<string, number> = {};
  for (const label of new Set(sceneLabels)) {
    const sources = weighted.filter(({ neighbour }) => Object.hasOwn(neighbour.labels, label)).map(({ neighbour, weight }) => ({ weight, values: neighbour.labels[label] }));
    labels[label] = blend(sources, tendency.labels[label], o.priorStrength, o.tendencyPriorStrength);
    labelEvidence[label] = evidenceOf(
      sources.reduce((sum, s) => sum + s.weight, 0),
      o.priorStrength,
    );
  }
  const used = weighted.filter((n) => n.weight > 0);
  return {
    global,
    labels,
    evidence: { neighbours: used.length, weight: evidenceOf(used.reduce((sum, n) => sum + n.weight, 0), o.priorStrength) },
    labelEvidence,
  };
}

/** `{ ...defaults, ...options }` must not let an explicit `undefined` erase a default. */
function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
