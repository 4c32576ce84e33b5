/**
 * Objects only the VLM can point at (design.md §6, grounding): an edit names an object
 * the automatic segmentation has no region for ("the eagle" on a photo whose regions are
 * sky and vegetation), and the VLM drew its box on the preview. The box becomes a
 * prompted mask (segmenter, `merge`), laid over the segmentation as one more region that
 * the edit then targets. Without a box such an edit still fails `label_not_found`.
 */
import type { AnalyseResult } from '@pertouch/contracts';
import type { Box, Edit } from '@pertouch/instructions';
import { PipelineFailure } from './failures.js';
import { idsOfLabel, measuredRegions, type RegionTable } from './plan.js';
import type { LabelResolver } from './labels.js';

/** A region word that needs a prompted mask, and the box that finds it (original pixels). */
export interface BoxedRegion {
  readonly region: string;
  readonly box: Box;
}

/**
 * The region words of `edits` that no region of the segmentation answers but a box can,
 * once each, in edit order (the first box of a word wins), leaving out words already
 * merged. A word the labels answer keeps the labels: the segmentation's edges are better
 * than a box's mask for what it knows.
 */
export async function regionsNeedingBoxes(
  edits: readonly Edit[],
  inputs: { readonly document: RegionTable; readonly analysis: AnalyseResult; readonly resolveLabel: LabelResolver; readonly merged: ReadonlyMap<string, number> },
): Promise<BoxedRegion[]> {
  const measured = measuredRegions(inputs.analysis);
  const out: BoxedRegion[] = [];
  for (const edit of edits) {
    if (!edit.box || inputs.merged.has(edit.region) || out.some((b) => b.region === edit.region)) continue;
    try {
      await idsOfLabel(edit.region, 'instruction', measured, inputs);
    } catch (error) {
      if (error instanceof PipelineFailure && error.code === 'label_not_found') out.push({ region: edit.region, box: edit.box });
      else throw error;
    }
  }
  return out;
}
