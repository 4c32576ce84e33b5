/**
 * Splitting a sentence into fragments ("darken the sky | and brighten the person") and
 * reading each fragment on its own: which attributes, which direction, how strong, which
 * region. How fragments lend each other what they leave out is combine.ts's job.
 */
import type { AttributeName } from '@pertouch/contracts';
import type { CueEntry, CueForm, Effect, Pole } from './lexicon.js';
import type { Item } from './items.js';

export interface Fragment {
  /** The separator before it: "and", ",", "but"…; undefined for the first. */
  readonly connector: string | undefined;
  readonly items: readonly Item[];
  /** Regions after "except"/"but not"/"everything but". */
  readonly except: readonly string[];
}

/** Splits at separators; region lists after "except" stay together ("except the sky and the sea"). */
export function splitFragments(items: readonly Item[]): Fragment[] {
  const fragments: Fragment[] = [];
  let current: Item[] = [];
  let except: string[] = [];
  let connector: string | undefined;
  let inExcept = false;
  const close = (next: string | undefined) => {
    if (current.length > 0 || except.length > 0) fragments.push({ connector, items: current, except });
    current = [];
    except = [];
    connector = next;
  };
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.kind === 'except') {
      inExcept = true;
      continue;
    }
    if (inExcept) {
      if (item.kind === 'region') {
        if (!item.owner) except.push(item.name);
        continue;
      }
      if (item.kind === 'other') continue;
      if (item.kind === 'separator' && (item.text === 'and' || item.text === ',') && items.slice(i + 1).find((n) => n.kind !== 'other')?.kind === 'region') continue;
      inExcept = false;
    }
    if (item.kind === 'separator') close(item.text);
    else current.push(item);
  }
  close(undefined);
  return fragments;
}

export interface PendingEdit {
  readonly attribute: AttributeName;
  readonly direction: Pole;
  /** An intensifier in the fragment; undefined = not said (plain, unless a neighbour says). */
  readonly strength: number | undefined;
}

export type RegionRef =
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'global' }
  | { readonly kind: 'pronoun' }
  /** "the rest", "everything else". */
  | { readonly kind: 'rest' };

export interface Reading {
  readonly connector: string | undefined;
  readonly edits: PendingEdit[];
  /** Attributes named without a direction ("fix the white balance"). */
  readonly directionless: { readonly attribute: AttributeName; readonly text: string }[];
  readonly region: RegionRef | undefined;
  readonly except: readonly string[];
  /** The intensifier nearest the fragment's first attribute word, if any. */
  readonly strength: number | undefined;
  /** The direction the fragment's verb or more/less gives, for an elliptic follower ("more contrast and saturation"). */
  readonly sign: Pole | undefined;
  readonly weak: string[];
  readonly unsupported: string[];
  readonly notes: string[];
  /** A prohibition ("don't make it darker"): no edit. */
  readonly prohibited: boolean;
}

type CueItem = Extract<Item, { kind: 'cue' }>;

/** Items that may stand between a cue and the words that qualify it ("not *so* dark", "a *bit* too dark"). */
const QUALIFIER_KINDS = new Set<Item['kind']>(['intensity', 'modifier', 'other', 'copula']);

interface Qualifiers {
  less: boolean;
  more: boolean;
  complaint: boolean;
  not: boolean;
}

/** The modifiers just before a cue (and "enough" just after it). */
function qualifiers(items: readonly Item[], at: number): Qualifiers {
  const q: Qualifiers = { less: false, more: false, complaint: false, not: false };
  for (let j = at - 1, steps = 0; j >= 0 && steps < 5 && QUALIFIER_KINDS.has(items[j].kind); j--, steps++) {
    const item = items[j];
    if (item.kind !== 'modifier') continue;
    if (item.modifier === 'less') q.less = true;
    else if (item.modifier === 'more') q.more = true;
    else if (item.modifier === 'too' || item.modifier === 'too-much') q.complaint = true;
    else if (item.modifier === 'lacking') q.complaint = q.not = true;
    else if (item.modifier === 'not') q.not = true;
  }
  const after = items.slice(at + 1).find((n) => n.kind !== 'other');
  if (after?.kind === 'modifier' && after.modifier === 'enough' && q.not) q.complaint = true;
  return q;
}

function nearestStrength(items: readonly Item[], at: number): number | undefined {
  let best: { distance: number; strength: number } | undefined;
  items.forEach((item, j) => {
    if (item.kind !== 'intensity') return;
    // Ties go to the word before the cue: "a bit brighter, a lot" is rare, "much too dark" common.
    const distance = Math.abs(j - at) + (j > at ? 0.5 : 0);
    if (!best || distance < best.distance) best = { distance, strength: item.strength };
  });
  return best?.strength;
}

function regionOf(items: readonly Item[]): RegionRef | undefined {
  const regions = items.filter((i): i is Extract<Item, { kind: 'region' }> => i.kind === 'region');
  const named = regions.find((r) => !r.owner) ?? regions[0];
  if (named) return { kind: 'named', name: named.name };
  if (items.some((i) => i.kind === 'rest')) return { kind: 'rest' };
  if (items.some((i) => i.kind === 'global')) return { kind: 'global' };
  if (items.some((i) => i.kind === 'pronoun')) return { kind: 'pronoun' };
  return undefined;
}

const TEMPERATURE_COLOURS = /blue|cyan|teal|turquoise|orange|yellow|amber|gold/;

/**
 * Is the fragment a description ("it looks flat") rather than a wish ("make it flat")?
 * A fragment with neither a copula nor a wish word continues the previous one across
 * "and" or a comma: "the picture is grey and dull".
 */
export function describes(fragment: Fragment, previousDescribes: boolean): boolean {
  const has = (kind: Item['kind']) => fragment.items.some((i) => i.kind === kind);
  if (has('target')) return false;
  if (has('copula')) return true;
  return previousDescribes && (fragment.connector === 'and' || fragment.connector === ',');
}

/** Reads every fragment, carrying the description mood from one to the next. */
export function readFragments(fragments: readonly Fragment[]): Reading[] {
  let previous = false;
  return fragments.map((fragment) => {
    previous = describes(fragment, previous);
    return readFragment(fragment, previous);
  });
}

type CueAt = { readonly item: CueItem; readonly at: number };

/**
 * The cues that carry edits. An attribute noun next to a word that already moves that
 * attribute only says what it is about ("make the colours more vivid"); next to a level
 * word it gets the level ("the colours are too strong"); next to an emphasis word it is
 * what gets emphasised ("make the colours pop").
 */
function effectiveCues(items: readonly Item[]): CueAt[] {
  let cues = items.map((item, at) => ({ item, at })).filter((c): c is CueAt => c.item.kind === 'cue');
  const nouns = cues.filter((c) => c.item.cue.form === 'noun');
  const described = new Set(cues.filter((c) => c.item.cue.form !== 'noun' && c.item.cue.form !== 'emphasis').flatMap((c) => c.item.cue.effects.map((e) => e.attribute)));
  cues = cues.filter((c) => c.item.cue.form !== 'noun' || !described.has(c.item.cue.effects[0].attribute));
  const level = cues.find((c) => c.item.cue.form === 'level');
  const emphasis = cues.find((c) => c.item.cue.form === 'emphasis');
  const replace = (by: CueAt, form: CueForm, effects: Effect[]): CueAt[] => [
    ...cues.filter((c) => c.item.cue.form !== 'noun' && c !== by),
    ...(effects.length > 0 ? [{ item: { kind: 'cue' as const, text: by.item.text, cue: { kind: 'cue' as const, form, effects } }, at: by.at }] : []),
  ];
  if (level) {
    const pole = level.item.cue.pole ?? 1;
    return replace(level, 'adjective', nouns.flatMap((n) => n.item.cue.effects.map((e) => ({ attribute: e.attribute, pole: (e.pole * pole) as Pole }))));
  }
  if (emphasis && nouns.length > 0) return replace(emphasis, 'emphasis', nouns.flatMap((n) => n.item.cue.effects));
  return cues;
}

/**
 * Reads one fragment. `description`: the fragment describes the photo ("it looks flat"),
 * so a plain quality in it is a complaint, wanted the other way.
 */
export function readFragment(fragment: Fragment, description = describes(fragment, false)): Reading {
  const { items } = fragment;
  const verbIndex = items.findIndex((i) => i.kind === 'verb');
  const verb = verbIndex >= 0 ? (items[verbIndex] as Extract<Item, { kind: 'verb' }>).verb : undefined;
  const hasTarget = items.some((i) => i.kind === 'target');
  const cues = effectiveCues(items);
  const edits: PendingEdit[] = [];
  const directionless: Reading['directionless'] = [];
  const notes: string[] = [];
  let sign: Pole | undefined;

  for (const { item, at } of cues) {
    const { cue } = item;
    const q = qualifiers(items, at);
    const contextSign = ((verb?.sign ?? 1) * (q.less ? -1 : 1)) as Pole;
    const state = description && !verb && !q.more && !q.less && (cue.form === 'adjective' || cue.form === 'colour');
    // pole × the verb's sign × "less" × a complaint ("too", a description) × "not".
    const wanted = (pole: Pole) => pole * contextSign * (q.complaint || state ? -1 : 1) * (q.not ? -1 : 1);
    const strength = nearestStrength(items, at);
    const push = (attribute: AttributeName, direction: number) => edits.push({ attribute, direction: direction > 0 ? 1 : -1, strength });
    switch (cue.form) {
      case 'verb':
      case 'comparative':
      case 'adjective':
      case 'emphasis':
        for (const e of cue.effects) push(e.attribute, wanted(e.pole));
        break;
      case 'excess':
        for (const e of cue.effects) push(e.attribute, -e.pole);
        break;
      case 'cast':
        // A cast is a fault to remove, unless something adds it ("add a warm tint").
        if (cue.effects.length === 0) directionless.push({ attribute: 'temperature', text: item.text });
        for (const e of cue.effects) push(e.attribute, verb?.additive ? e.pole : -e.pole);
        break;
      case 'level': // without a noun to apply to: nothing to do
        break;
      case 'noun':
      case 'colour':
        if (verb !== undefined || q.more || q.less || q.complaint || q.not || state || hasTarget) {
          for (const e of cue.effects) push(e.attribute, wanted(e.pole));
        } else {
          for (const e of cue.effects) directionless.push({ attribute: e.attribute, text: item.text });
        }
        break;
    }
    if (cue.form === 'colour' || cue.form === 'comparative' || cue.form === 'cast') notes.push(...colourNotes(item.text, cue));
    if (sign === undefined && (verb !== undefined || q.more || q.less)) sign = contextSign;
  }

  const firstCue = items.findIndex((i) => i.kind === 'cue' || i.kind === 'verb');
  const strength = nearestStrength(items, firstCue);
  // "lift the shadows", "tone down the highlights": brightness unless told otherwise.
  if (cues.length === 0 && verb?.fallback) edits.push({ attribute: verb.fallback.attribute, direction: verb.fallback.pole, strength });
  // "enhance" alone asks for the automatic look; "enhance the colours" is an edit.
  const weak = items.filter((i) => i.kind === 'weak' || (i.kind === 'verb' && i.verb.weak && cues.length === 0)).map((i) => i.text);
  const unsupported = items.filter((i) => i.kind === 'unsupported').map((i) => i.text);
  // "remove the person", "add a dog": a verb with nothing it could change.
  if (cues.length === 0 && verb && !verb.fallback && !verb.weak && weak.length === 0) unsupported.push(items[verbIndex].text);
  if (sign === undefined && verb) sign = verb.sign;
  const moreOrLess = items.find((i): i is Extract<Item, { kind: 'modifier' }> => i.kind === 'modifier' && (i.modifier === 'more' || i.modifier === 'less'));
  if (sign === undefined && moreOrLess) sign = moreOrLess.modifier === 'less' ? -1 : 1;

  return {
    connector: fragment.connector,
    edits,
    directionless,
    region: regionOf(items),
    except: fragment.except,
    strength,
    sign,
    weak,
    unsupported,
    notes,
    prohibited: items.some((item, j) => item.kind === 'modifier' && item.modifier === 'not' && items[j + 1]?.kind === 'target'),
  };
}

/** Says how a colour word was read, since "less blue" could mean two things. */
function colourNotes(text: string, cue: CueEntry): string[] {
  const attribute = cue.effects[0]?.attribute;
  if (attribute === 'colorfulness') return [`"${text}" is off the blue–amber axis: read as colourfulness`];
  if (attribute === 'temperature' && TEMPERATURE_COLOURS.test(text)) return [`"${text}" is read on the blue–amber axis (temperature)`];
  return [];
}
