/**
 * Region names as the parse result carries them: the segmentation vocabulary's own label
 * where a word means one ("the trees" → vegetation, "her face" → face, "the dark areas" →
 * shadows), "global" for the photo itself, and otherwise the user's noun in the lower-case
 * singular ("eagle", "shirt", "dog"), which grounding resolves later — resolveLabel finds
 * "eagle" through the vocabulary's bird synonyms, and a VLM or SAM prompt does better with
 * the user's own word than with its broader class.
 */
import { canonicalTerm, REGION_LABELS, TONAL_LABELS } from '@pertouch/segmentation';

export const GLOBAL_REGION = 'global';

const VOCABULARY_LABELS = new Set<string>([...REGION_LABELS, ...TONAL_LABELS]);

/** Words that name the photo as a whole. */
export const PHOTO_WORDS = new Set(['global', 'image', 'photo', 'photograph', 'picture', 'pic', 'shot', 'scene', 'frame', 'portrait', 'everything', 'overall', 'whole', 'entire']);

const DETERMINERS = new Set(['the', 'a', 'an', 'my', 'your', 'his', 'her', 'their', 'its', 'our', 'this', 'that', 'these', 'those', 'some', 'all']);

/** The singular of an English noun: the common regular plurals (the vocabulary knows the rest). */
export function singular(word: string): string {
  if (word.length <= 3 || /(ss|us|is)$/.test(word)) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(ches|shes|sses|xes|zes|oes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/**
 * The region name for a phrase: "The Sky" → sky, "the person's skin" → skin, "eagles" →
 * eagle, "the whole image" → global. Returns undefined for a blank phrase.
 */
export function normaliseRegion(phrase: string): string | undefined {
  const words = phrase
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/'s\b/g, ' ')
    .replace(/[^a-z\s-]/g, ' ')
    .split(/[\s-]+/)
    .filter(Boolean);
  while (words.length > 0 && DETERMINERS.has(words[0])) words.shift();
  if (words.length === 0) return undefined;
  if (words.some((w) => PHOTO_WORDS.has(w))) return GLOBAL_REGION;
  const text = words.join(' ');
  const term = canonicalTerm(text);
  if (term !== undefined && VOCABULARY_LABELS.has(term)) return term;
  // A COCO name spelled as such ("traffic lights") keeps its own multi-word form.
  const singularText = [...words.slice(0, -1), singular(words[words.length - 1])].join(' ');
  if (term !== undefined && term === singularText) return term;
  return singular(words[words.length - 1]);
}
