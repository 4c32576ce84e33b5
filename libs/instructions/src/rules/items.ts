/**
 * Tokens → items: what each part of the sentence does. Noun phrases become region
 * mentions ("the red shirt" → shirt, "her face" → face, the adjective inside is only a
 * modifier), a colour followed by "cast"/"tint" becomes one cast cue, and "everything but"
 * becomes an except marker.
 */
import { canonicalTerm } from '@pertouch/segmentation';
import { normaliseRegion, GLOBAL_REGION } from '../region.js';
import type { CueEntry, Effect, Modifier, VerbEntry } from './lexicon.js';
import type { Token } from './tokenize.js';

export type Item =
  | { readonly kind: 'cue'; readonly text: string; readonly cue: CueEntry }
  | { readonly kind: 'verb'; readonly text: string; readonly verb: VerbEntry }
  | { readonly kind: 'intensity'; readonly text: string; readonly strength: number }
  | { readonly kind: 'modifier'; readonly text: string; readonly modifier: Modifier }
  /** A region named in the sentence; `owner` when it only owns the next one ("the woman's face"). */
  | { readonly kind: 'region'; readonly text: string; readonly name: string; readonly owner: boolean }
  | { readonly kind: 'separator'; readonly text: string }
  | { readonly kind: 'weak' | 'unsupported' | 'except' | 'global' | 'pronoun' | 'rest' | 'copula' | 'target' | 'other'; readonly text: string };

const POINTING_PRONOUNS = new Set(['this', 'that', 'these', 'those', 'its']);

/** May this token sit inside a noun phrase before its head ("the *red* shirt", "the *blue* sky")? */
function isModifier(token: Token): boolean {
  return token.entry.kind === 'cue' && (token.entry.form === 'adjective' || token.entry.form === 'colour');
}

/** The noun phrase after a determiner: its word tokens' span, or undefined if there is none. */
function nounPhrase(tokens: readonly Token[], start: number): { end: number; words: string[] } | undefined {
  const words: string[] = [];
  let end = start;
  for (let j = start; j < tokens.length; j++) {
    const token = tokens[j];
    if (token.entry.kind === 'word') {
      words.push(token.text);
      end = j + 1;
    } else if (isModifier(token) && tokens[j + 1]?.entry.kind === 'word') {
      continue; // an adjective before the head noun describes the region, it asks nothing
    } else {
      break;
    }
  }
  return words.length > 0 ? { end, words } : undefined;
}

function regionItem(text: string, next: Token | undefined): Item | undefined {
  const name = normaliseRegion(text);
  if (name === undefined) return undefined;
  if (name === GLOBAL_REGION) return { kind: 'global', text };
  return { kind: 'region', text, name, owner: next?.entry.kind === 'possessive' };
}

function plainItem(token: Token): Item {
  const { entry, text } = token;
  switch (entry.kind) {
    case 'cue':
      return { kind: 'cue', text, cue: entry };
    case 'verb':
      return { kind: 'verb', text, verb: entry };
    case 'intensity':
      return { kind: 'intensity', text, strength: entry.strength };
    case 'modifier':
      return { kind: 'modifier', text, modifier: entry.modifier };
    case 'determiner':
    case 'filler':
    case 'possessive':
    case 'word': // toItems handles words before they get here
      return { kind: 'other', text };
    default:
      return { kind: entry.kind, text };
  }
}

export function toItems(tokens: readonly Token[]): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const { entry } = token;
    const startsPhrase = entry.kind === 'determiner' || entry.kind === 'possessive' || (entry.kind === 'pronoun' && POINTING_PRONOUNS.has(token.text));
    const phrase = startsPhrase ? nounPhrase(tokens, i + 1) : undefined;
    if (phrase) {
      const item = regionItem(phrase.words.join(' '), tokens[phrase.end]);
      if (item) items.push(item);
      i = phrase.end - 1;
      continue;
    }
    if (entry.kind === 'word') {
      // Outside a noun phrase only words the vocabulary knows are regions ("sky
      // brightness", "brighter subject"); other stray words are not.
      const item = canonicalTerm(token.text) !== undefined ? regionItem(token.text, tokens[i + 1]) : undefined;
      items.push(item ?? { kind: 'other', text: token.text });
      continue;
    }
    items.push(plainItem(token));
  }
  return mergeCasts(markEverythingBut(items));
}

/** "a yellow cast", "a warm tint": one cue that names the colour of the cast. */
function mergeCasts(items: readonly Item[]): Item[] {
  const out: Item[] = [];
  for (const item of items) {
    const previous = out[out.length - 1];
    if (item.kind === 'cue' && item.cue.form === 'cast' && previous?.kind === 'cue' && previous.cue.form !== 'cast' && previous.cue.form !== 'noun') {
      const effects: Effect[] = [...previous.cue.effects];
      out[out.length - 1] = { kind: 'cue', text: `${previous.text} ${item.text}`, cue: { kind: 'cue', form: 'cast', effects } };
    } else {
      out.push(item);
    }
  }
  return out;
}

/** "everything but the sky", "all but the person": here "but" means except. */
function markEverythingBut(items: readonly Item[]): Item[] {
  return items.map((item, i) =>
    item.kind === 'separator' && item.text === 'but' && (items[i - 1]?.kind === 'global' || items[i - 1]?.kind === 'rest') ? { kind: 'except', text: 'but' } : item,
  );
}
