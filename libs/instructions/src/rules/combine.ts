/**
 * Fragments lend each other what they leave out, the way people talk:
 * - a fragment with no region takes the previous one's ("make the sky darker and more
 *   saturated"); the first one, joined by "and" to a fragment that names a region, takes
 *   that one ("brighten and warm up the face");
 * - "it"/"them" is the region named last, or the photo;
 * - a fragment with a region and no attribute repeats the neighbouring edit ("brighten
 *   the sky and the water");
 * - an attribute with no direction takes the previous fragment's ("more contrast and
 *   saturation"), and an intensifier at the end covers both ("increase contrast and
 *   saturation a little").
 * Then edits of the same region and attribute merge (the stronger wins; opposite wishes:
 * the later one).
 */
import type { AttributeName } from '@pertouch/contracts';
import { GLOBAL_REGION } from '../region.js';
import { STRENGTH } from '../strength.js';
import type { PendingEdit, Reading } from './fragments.js';

export interface CombinedEdit {
  readonly region: string;
  readonly attribute: AttributeName;
  readonly delta: number;
  readonly except?: string[];
}

interface Resolved {
  readonly reading: Reading;
  edits: PendingEdit[];
  region: string;
  except: string[];
  /** Borrowed its edits or directions from `source`. */
  source?: Resolved;
}

function resolveRegions(readings: readonly Reading[]): { region: string; except: string[] }[] {
  const out: { region: string; except: string[] }[] = [];
  const named: string[] = [];
  let last: string | undefined; // the region last named or carried, for "it"
  readings.forEach((reading, k) => {
    const ref = reading.region;
    const except = [...reading.except];
    let region: string;
    if (ref?.kind === 'named') region = ref.name;
    else if (ref?.kind === 'global') region = GLOBAL_REGION;
    else if (ref?.kind === 'rest') {
      region = GLOBAL_REGION;
      except.push(...named.filter((n) => !except.includes(n)));
    } else if (ref?.kind === 'pronoun') region = last ?? GLOBAL_REGION;
    else region = carriedRegion(readings, k, out);
    if (ref?.kind === 'named') named.push(ref.name);
    if (region !== GLOBAL_REGION) last = region;
    out.push({ region, except });
  });
  return out;
}

/** The region of a fragment that names none. */
function carriedRegion(readings: readonly Reading[], k: number, before: readonly { region: string }[]): string {
  const next = readings[k + 1];
  const nothingNamedYet = readings.slice(0, k).every((r) => r.region === undefined);
  if (nothingNamedYet && next?.connector === 'and' && next.region?.kind === 'named') return next.region.name;
  return before[k - 1]?.region ?? GLOBAL_REGION;
}

function borrow(resolved: Resolved[]): void {
  resolved.forEach((r, k) => {
    const { reading } = r;
    if (r.edits.length > 0 || reading.prohibited) return;
    // "more contrast and saturation": a bare attribute takes the previous direction.
    const previous = resolved.slice(0, k).reverse().find((p) => p.edits.length > 0);
    if (reading.directionless.length > 0 && previous?.reading.sign !== undefined) {
      r.edits = reading.directionless.map((d) => ({ attribute: d.attribute, direction: previous.reading.sign!, strength: reading.strength }));
      r.source = previous;
      return;
    }
    // "brighten the sky and the water": a bare region repeats the neighbouring edit.
    if (reading.region?.kind === 'named' && reading.directionless.length === 0 && reading.weak.length === 0) {
      const source = previous ?? resolved.slice(k + 1).find((n) => n.reading.edits.length > 0);
      if (source) {
        r.edits = source.edits.map((e) => ({ ...e, strength: reading.strength ?? e.strength }));
        r.source = source;
        return;
      }
    }
    // "brighten the sky, but only a little": a bare intensifier adjusts the previous edit.
    if (reading.region === undefined && reading.directionless.length === 0 && reading.strength !== undefined && previous) {
      previous.edits = previous.edits.map((e) => ({ ...e, strength: reading.strength }));
    }
  });
  // "increase contrast and saturation a little": the intensifier at the end covers both.
  for (const r of resolved) {
    const own = r.reading.strength;
    if (r.source && own !== undefined && r.source.reading.strength === undefined) {
      r.source.edits = r.source.edits.map((e) => ({ ...e, strength: e.strength ?? own }));
    }
    if (r.source && own === undefined) r.edits = r.edits.map((e) => ({ ...e, strength: e.strength ?? r.source!.edits.find((s) => s.strength !== undefined)?.strength }));
  }
}

export function combine(readings: readonly Reading[]): CombinedEdit[] {
  const regions = resolveRegions(readings);
  const resolved: Resolved[] = readings.map((reading, k) => ({ reading, edits: reading.prohibited ? [] : [...reading.edits], ...regions[k] }));
  borrow(resolved);
  const merged = new Map<string, CombinedEdit>();
  for (const r of resolved) {
    for (const e of r.edits) {
      const except = r.except.filter((x) => x !== r.region);
      const delta = e.direction * (e.strength ?? STRENGTH.plain);
      const key = `${r.region}|${e.attribute}|${[...except].sort().join(',')}`;
      const before = merged.get(key);
      if (before && Math.sign(before.delta) === Math.sign(delta) && Math.abs(before.delta) >= Math.abs(delta)) continue;
      merged.set(key, { region: r.region, attribute: e.attribute, delta: Math.round(delta * 100) / 100, ...(except.length > 0 ? { except } : {}) });
    }
  }
  return [...merged.values()];
}
