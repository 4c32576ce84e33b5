/**
 * Objects only the VLM can point at (design.md §6, grounding): an edit names an object
 * the automatic segmentation has no region for ("the eagle" on a photo whose regions are
 * sky and vegetation), and the VLM drew its box on the preview. The box becomes a
 * prompted mask (segmenter, `merge`), laid over the segmentation as one more region that
 * the edit then targets. Without a box such an edit still fails `label_not_found`.
 */
import type { AnalyseResult, Preview } from '@pertouch/contracts';
import type { Edit } from '@pertouch/instructions';
import { PipelineFailure } from './failures.js';
import { idsOfLabel, measuredRegions, type RegionTable } from './plan.js';
import type { LabelResolver } from './labels.js';

type Box = NonNullable<Edit['box']>;

/** A region word that needs a prompted mask, and the box that finds it (original pixels). */
export interface BoxedRegion {
  readonly region: string;
  readonly box: Box;
}

/**
 * A box the VLM drew on the preview, in the original's pixels (the preview is the
 * original scaled by one factor per axis; rounded outward so the object stays inside,
 * clipped to the image).
 */
export function boxInOriginal(box: Box, preview: Pick<Preview, 'width' | 'height'>, original: { readonly width: number; readonly height: number }): Box {
  const sx = original.width / preview.width;
  const sy = original.height / preview.height;
  return {
    x0: Math.max(0, Math.floor(box.x0 * sx)),
    y0: Math.max(0, Math.floor(box.y0 * sy)),
    x1: Math.min(original.width, Math.ceil(box.x1 * sx)),
    y1: Math.min(original.height, Math.ceil(box.y1 * sy)),
  };
}

/** The edits' boxes in the original's pixels (a parse made on the preview). */
export function editsInOriginal(edits: readonly Edit[], preview: Pick<Preview, 'width' | 'height'>, original: { readonly width: number; readonly height: number }): Edit[] {
  return edits.map((edit) => (edit.box ? { ...edit, box: boxInOriginal(edit.box, preview, original) } : edit));
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
