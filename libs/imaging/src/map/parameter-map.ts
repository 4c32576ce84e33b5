import { ATTRIBUTES, type Attribute, type AttributeRecord, type Segmentation } from '../image.js';

/** Some of the four attributes, each in [-1, 1]. */
export type AttributeValues = Partial<Record<Attribute, number>>;

export interface RegionValues {
  readonly id: number;
  readonly label?: string;
  readonly values: AttributeValues;
}

/**
 * The sparse parameter map (design.md §4): values per region id, and optionally
 * global values that apply to every region before the per-region ones.
 */
export interface ParameterMap {
  readonly regions: readonly RegionValues[];
  readonly global?: AttributeValues;
}

/** Every region of a segmentation with all four values: what the renderer consumes. */
export type ResolvedMap = Map<number, AttributeRecord>;

export type MapErrorCode =
  | 'invalid_map'
  | 'unknown_attribute'
  | 'value_out_of_range'
  | 'not_a_number'
  | 'unknown_region'
  | 'duplicate_region';

/** A map that cannot be used, with a stable code and the JSON path of the offending value. */
export class MapValidationError extends Error {
  override readonly name = 'MapValidationError';
  constructor(
    readonly code: MapErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const ATTRIBUTE_SET: ReadonlySet<string> = new Set(ATTRIBUTES);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseValues(value: unknown, path: string): AttributeValues {
  if (!isRecord(value)) throw new MapValidationError('invalid_map', path, 'must be an object of attribute values');
  const out: AttributeValues = {};
  for (const [key, v] of Object.entries(value)) {
    if (!ATTRIBUTE_SET.has(key)) {
      throw new MapValidationError('unknown_attribute', `${path}.${key}`, `unknown attribute "${key}" (expected one of ${ATTRIBUTES.join(', ')})`);
    }
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new MapValidationError('not_a_number', `${path}.${key}`, `must be a number, got ${JSON.stringify(v) ?? String(v)}`);
    }
    if (!(v >= -1 && v <= 1)) throw new MapValidationError('value_out_of_range', `${path}.${key}`, `${v} is outside [-1, 1]`);
    out[key as Attribute] = v;
  }
  return out;
}

/**
 * Validates an untrusted value (parsed JSON) as a parameter map. With `regionIds`,
 * region ids must exist in the segmentation the map will be applied to.
 */
export function parseParameterMap(value: unknown, regionIds?: ReadonlySet<number>): ParameterMap {
  if (!isRecord(value)) throw new MapValidationError('invalid_map', '$', 'a parameter map must be a JSON object');
  for (const key of Object.keys(value)) {
    if (key !== 'regions' && key !== 'global') throw new MapValidationError('invalid_map', `$.${key}`, 'unexpected field (expected "regions" and "global")');
  }
  const regionsIn = value.regions ?? [];
  if (!Array.isArray(regionsIn)) throw new MapValidationError('invalid_map', '$.regions', 'must be an array');
  const seen = new Set<number>();
  const regions: RegionValues[] = regionsIn.map((r: unknown, i: number) => {
    const path = `$.regions[${i}]`;
    if (!isRecord(r)) throw new MapValidationError('invalid_map', path, 'must be an object with "id" and "values"');
    const id = r.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 255) {
      throw new MapValidationError('invalid_map', `${path}.id`, 'must be an integer region id in 0..255');
    }
    if (regionIds && !regionIds.has(id)) {
      throw new MapValidationError('unknown_region', `${path}.id`, `region ${id} is not in the segmentation (regions: ${[...regionIds].sort((a, b) => a - b).join(', ')})`);
    }
    if (seen.has(id)) throw new MapValidationError('duplicate_region', `${path}.id`, `region ${id} appears twice`);
    seen.add(id);
    if (r.label !== undefined && typeof r.label !== 'string') throw new MapValidationError('invalid_map', `${path}.label`, 'must be a string');
    const values = parseValues(r.values ?? {}, `${path}.values`);
    return r.label === undefined ? { id, values } : { id, label: r.label as string, values };
  });
  const global = value.global === undefined ? undefined : parseValues(value.global, '$.global');
  return global ? { regions, global } : { regions };
}

const clampUnit = (v: number): number => Math.min(1, Math.max(-1, v));

/**
 * Composites a map onto a base (design.md §4): start from the base values of every
 * region, apply the global values to all regions, then each region's own values
 * replace that region's. Everything is clamped to [-1, 1].
 */
export function resolveMap(map: ParameterMap, base: ResolvedMap): ResolvedMap {
  const out: ResolvedMap = new Map();
  for (const [id, values] of base) {
    const v = { ...values };
    if (map.global) for (const [k, x] of Object.entries(map.global)) v[k as Attribute] = x;
    out.set(id, v);
  }
  for (const region of map.regions) {
    const v = out.get(region.id);
    if (!v) throw new MapValidationError('unknown_region', `$.regions[id=${region.id}]`, `region ${region.id} is not in the segmentation`);
    for (const [k, x] of Object.entries(region.values)) v[k as Attribute] = x;
  }
  for (const v of out.values()) for (const a of ATTRIBUTES) v[a] = clampUnit(v[a]);
  return out;
}

/** The map that sets every region to the same values (e.g. all zeros: the corpus-median look). */
export function uniformMap(values: AttributeValues): ParameterMap {
  return { regions: [], global: values };
}

/** The sparse form of a resolved map, regions in id order, optional labels attached. */
export function toSparseMap(resolved: ResolvedMap, labels?: ReadonlyMap<number, string>): ParameterMap {
  const ids = [...resolved.keys()].sort((a, b) => a - b);
  return {
    regions: ids.map((id) => {
      const label = labels?.get(id);
      const values = { ...(resolved.get(id) as AttributeRecord) };
      return label === undefined ? { id, values } : { id, label, values };
    }),
  };
}

/**
 * The dense raster form (design.md §4): K = 4 planes (colorfulness, contrast,
 * temperature, brightness) at the segmentation's resolution, every pixel holding its
 * region's value. Planar layout, as the diffusion ControlNet takes it. Pixels of a
 * region absent from the map hold 0 (the corpus median).
 */
export function toDenseMap(resolved: ResolvedMap, segmentation: Segmentation): Float32Array {
  const { width, height, labels } = segmentation;
  const plane = width * height;
  const dense = new Float32Array(plane * ATTRIBUTES.length);
  const lookup: (AttributeRecord | undefined)[] = new Array(256);
  for (const [id, v] of resolved) lookup[id] = v;
  for (let i = 0; i < plane; i++) {
    const v = lookup[labels[i]];
    if (!v) continue;
    for (let k = 0; k < ATTRIBUTES.length; k++) dense[k * plane + i] = v[ATTRIBUTES[k]];
  }
  return dense;
}

/** Reads a dense map back into per-region values (the mean over each region's pixels). */
export function fromDenseMap(dense: Float32Array, segmentation: Segmentation): ResolvedMap {
  const { width, height, labels } = segmentation;
  const plane = width * height;
  if (dense.length !== plane * ATTRIBUTES.length) {
    throw new MapValidationError('invalid_map', '$', `dense map has ${dense.length} values, expected ${plane * ATTRIBUTES.length} (4 × ${width} × ${height})`);
  }
  const sums = new Float64Array(256 * ATTRIBUTES.length);
  const counts = new Float64Array(256);
  for (let i = 0; i < plane; i++) {
    const id = labels[i];
    counts[id]++;
    for (let k = 0; k < ATTRIBUTES.length; k++) sums[id * ATTRIBUTES.length + k] += dense[k * plane + i];
  }
  const out: ResolvedMap = new Map();
  for (let id = 0; id < 256; id++) {
    if (counts[id] === 0) continue;
    const v = {} as AttributeRecord;
    ATTRIBUTES.forEach((a, k) => {
      const x = sums[id * ATTRIBUTES.length + k] / counts[id];
      if (Number.isNaN(x)) throw new MapValidationError('not_a_number', `$[${k}]`, `region ${id} has NaN values`);
      v[a] = clampUnit(x);
    });
    out.set(id, v);
  }
  return out;
}
