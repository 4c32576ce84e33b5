/**
 * Text → tokens: lower case, US spelling, contractions spelled out, then the longest
 * phrase of the lexicon (or a multi-word region word of the segmentation vocabulary, such
 * as "skin tone" or "dark areas") at each position.
 */
import { canonicalTerm } from '@pertouch/segmentation';
import { lexiconEntries, lookup, MAX_PHRASE_WORDS, type Entry } from './lexicon.js';

export type TokenEntry = Entry | { readonly kind: 'word' } | { readonly kind: 'possessive' };

export interface Token {
  /** The phrase as normalised, e.g. "a little", "skin tone", "'s". */
  readonly text: string;
  readonly entry: TokenEntry;
}

/** Subjects whose "'s" is "is" ("it's too dark"); any other "'s" is a possessive. */
const IS_CONTRACTIONS = new Set(['it', 'that', 'there', 'what', 'here', 'he', 'she', 'who', 'everything', 'this']);

function normalise(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[’‘`´]/g, "'")
      .replace(/colour/g, 'color')
      .replace(/optimis/g, 'optimiz')
      .replace(/saturis/g, 'saturiz')
      .replace(/\bcan't\b/g, 'can not')
      .replace(/\bwon't\b/g, 'will not')
      .replace(/n't\b/g, ' not')
      .replace(/'re\b/g, ' are')
      .replace(/'d\b/g, ' would')
      .replace(/'ll\b/g, ' will')
      .replace(/'ve\b/g, ' have')
      .replace(/'m\b/g, ' am')
      .replace(/\b([a-z]+)'s\b/g, (_, word: string) => (IS_CONTRACTIONS.has(word) ? `${word} is` : `${word} 's`))
      // "over-exposed", "under-saturated" are single words; other hyphens join words.
      .replace(/\b(over|under)-(?=[a-z])/g, '$1')
      .replace(/-/g, ' ')
  );
}

const PARTICLES = new Set(['up', 'down', 'out', 'back', 'off']);
/** Phrasal verbs of the lexicon whose particle may stand after the object: "pull the highlights down". */
const SEPARABLE = new Set(
  lexiconEntries()
    .map(([phrase]) => phrase.split(' '))
    .filter((w) => w.length === 2 && PARTICLES.has(w[1]))
    .map((w) => w.join(' ')),
);
const CLAUSE_END = new Set([',', ';', '.', '!', '?', '&', 'and', 'but', 'then']);

/** "pull the highlights down a bit" → "pull down the highlights a bit". */
function joinParticles(words: string[]): string[] {
  const out = [...words];
  for (let i = 0; i < out.length; i++) {
    for (let j = i + 2; j <= i + 5 && j < out.length && !CLAUSE_END.has(out[j]); j++) {
      if (PARTICLES.has(out[j]) && SEPARABLE.has(`${out[i]} ${out[j]}`)) {
        out.splice(i + 1, 0, ...out.splice(j, 1));
        break;
      }
    }
  }
  return out;
}

function rawWords(text: string): string[] {
  return joinParticles(normalise(text).match(/[a-z]+|'s|[,;.!?&]/g) ?? []);
}

/** A multi-word region word ("skin tone", "dark areas", "traffic light") of `n` words at `i`. */
function regionPhrase(words: readonly string[], i: number, n: number): boolean {
  if (i + n > words.length) return false;
  const phrase = words.slice(i, i + n);
  if (phrase.some((w) => !/^[a-z]+$/.test(w))) return false;
  const term = canonicalTerm(phrase.join(' '));
  // canonicalTerm falls back to the last word ("red car" → car) and drops a leading
  // determiner ("the sky" → sky): a real phrase means more than its tail does.
  return term !== undefined && canonicalTerm(phrase.slice(1).join(' ')) !== term;
}

export function tokenize(text: string): Token[] {
  const words = rawWords(text);
  const tokens: Token[] = [];
  for (let i = 0; i < words.length; ) {
    if (words[i] === "'s") {
      tokens.push({ text: "'s", entry: { kind: 'possessive' } });
      i++;
      continue;
    }
    let matched = 0;
    let entry: TokenEntry = { kind: 'word' };
    for (let n = Math.min(MAX_PHRASE_WORDS, words.length - i); n >= 1; n--) {
      const found = lookup(words.slice(i, i + n).join(' '));
      if (found) {
        matched = n;
        entry = found;
        break;
      }
    }
    for (let n = 3; n >= 2 && n > matched; n--) {
      if (regionPhrase(words, i, n)) {
        matched = n;
        entry = { kind: 'word' };
        break;
      }
    }
    matched = Math.max(matched, 1);
    tokens.push({ text: words.slice(i, i + matched).join(' '), entry });
    i += matched;
  }
  return tokens.map((token, i) => (token.entry.kind === 'possessive' && !ownsNext(tokens[i + 1]) ? { text: 'is', entry: { kind: 'copula' } } : token));
}

/** "the sky's colour": a possessive owns a noun; "the sky's too bright" is "the sky is". */
function ownsNext(next: Token | undefined): boolean {
  if (next === undefined) return false;
  const kind = next.entry.kind;
  return kind === 'word' || kind === 'global' || (kind === 'cue' && (next.entry.form === 'noun' || next.entry.form === 'adjective' || next.entry.form === 'colour'));
}
