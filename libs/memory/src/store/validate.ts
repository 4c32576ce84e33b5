/**
 * Checks at the repository's edge. A bad scene is a caller bug (the agent built it), so
 * these throw RangeError instead of storing something no estimate could use.
 */
import type { AttributeValues, ConfirmedScene, SceneFeatures } from '../ports.js';
import { ATTRIBUTE_NAMES } from '../estimate/tendency.js';
import { HNSW_INDEXED_KINDS } from './schema.js';

/** pgvector's limit for a stored vector. */
export const MAX_DIMENSION = 16_000;
/** The most neighbours one lookup may ask for. */
export const MAX_NEIGHBOURS = 1000;

const KIND_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/;

export function checkFeatures(features: Pick<SceneFeatures, 'kind' | 'vector'>): void {
  if (!KIND_PATTERN.test(features.kind)) throw new RangeError(`scene memory: feature kind ${JSON.stringify(features.kind)} is not a valid name`);
  const n = features.vector.length;
  if (n === 0 || n > MAX_DIMENSION) throw new RangeError(`scene memory: a feature vector needs 1–${MAX_DIMENSION} numbers (got ${n})`);
  const indexed = HNSW_INDEXED_KINDS[features.kind];
  if (indexed !== undefined && indexed !== n) throw new RangeError(`scene memory: ${features.kind} vectors have ${indexed} numbers (got ${n})`);
  for (const x of features.vector) if (!Number.isFinite(x)) throw new RangeError('scene memory: the feature vector holds a non-finite number');
}

function checkValues(values: AttributeValues | undefined, where: string): void {
  if (values === undefined) return;
  for (const [name, value] of Object.entries(values)) {
    if (!(ATTRIBUTE_NAMES as readonly string[]).includes(name)) throw new RangeError(`scene memory: unknown attribute "${name}" in ${where}`);
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < -1 || value > 1) throw new RangeError(`scene memory: ${where}.${name} must be in [-1, 1] (got ${value})`);
  }
}

export function checkScene(scene: ConfirmedScene): void {
  for (const [field, value] of [['tenantId', scene.tenantId], ['userId', scene.userId], ['jobId', scene.jobId]] as const) {
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new RangeError(`scene memory: ${field} must be a non-empty string of at most 200 characters`);
  }
  checkFeatures(scene.features);
  checkValues(scene.global, 'global');
  for (const [label, values] of Object.entries(scene.labels)) {
    if (label.length === 0) throw new RangeError('scene memory: a label must not be empty');
    checkValues(values, `labels["${label}"]`);
  }
}

export function checkNeighbourCount(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_NEIGHBOURS) throw new RangeError(`scene memory: k must be an integer from 1 to ${MAX_NEIGHBOURS} (got ${k})`);
}

/** Only the attributes that are set: `{ brightness: undefined }` is stored as `{}`. */
export function definedValues(values: AttributeValues | undefined): AttributeValues {
  const out: AttributeValues = {};
  if (values) for (const a of ATTRIBUTE_NAMES) if (values[a] !== undefined) out[a] = values[a];
  return out;
}
