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
  const { resolveLabel } = await (vocabulary ??= import('@pertouch/segmentation'));
  // resolveLabel reads only `regions[].id` and `regions[].label`.
  return resolveLabel({ regions: document.regions as Parameters<typeof resolveLabel>[0]['regions'] }, phrase);
};
