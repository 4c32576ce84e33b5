/**
 * Region words → region ids, with libs/segmentation's vocabulary (synonyms, plurals,
 * COCO names and their supercategories: "the eagle" finds a region labelled "bird").
 *
 * `@pertouch/segmentation`'s entry point also loads its model adapters (onnxruntime-node's
 * native binding) at import time, which the agent never uses, so it is imported lazily,
 * on the first map that names a region by label.
 */
import type { SegmentationDocument } from '@pertouch/contracts';

/** Region ids a phrase refers to; throws an error with `code: 'unknown_label'` for a word outside the vocabulary. */
export type LabelResolver = (document: Pick<SegmentationDocument, 'regions'>, phrase: string) => Promise<number[]>;

let vocabulary: Promise<typeof import('@pertouch/segmentation')> | undefined;

export const resolveWithVocabulary: LabelResolver = async (document, phrase) => {
  const { resolveLabel, canonicalTerm, lineage } = await (vocabulary ??= import('@pertouch/segmentation'));
  // resolveLabel reads only `regions[].id` and `regions[].label`.
  const ids = resolveLabel({ regions: document.regions as Parameters<typeof resolveLabel>[0]['regions'] }, phrase);
  // resolveLabel also answers with regions known only by a broader name ("skin" finds the
  // "person" regions). Where the photo has regions of the word itself, those alone are
  // meant: "warmer skin" must not warm the person's clothes. Narrower regions stay
  // ("the person" keeps its face).
  const term = canonicalTerm(phrase);
  if (!term) return ids;
  const broader = new Set(lineage(term).slice(1));
  const labelOf = new Map(document.regions.map((r) => [r.id, r.label]));
  const specific = ids.filter((id) => !broader.has(labelOf.get(id) ?? ''));
  return specific.length > 0 ? specific : ids;
};
