/**
 * Grounding (design.md §6): an edit's region words → the segmentation's region ids, with
 * libs/segmentation's vocabulary (labels.ts: synonyms, plurals, COCO names and
 * supercategories). `global` is every region; `except` words take their regions out. A
 * region that cannot be found fails the job `label_not_found` with the labels the image
 * has: an instruction never silently edits the whole image instead.
 */
import type { AnalyseResult } from '@pertouch/contracts';
import type { Edit } from '@pertouch/instructions';
import { PipelineFailure } from './failures.js';
import type { LabelResolver } from './labels.js';
import { idsOfLabel, measuredRegions, type RegionTable } from './plan.js';

/** The edit's word for the whole photo (libs/instructions GLOBAL_REGION). */
const GLOBAL = 'global';

export interface GroundedEdit {
  readonly edit: Edit;
  /** Every region the edit covers (measurable or not; a group is measured as a whole), ascending. */
  readonly ids: readonly number[];
}

export interface GroundingInputs {
  readonly document: RegionTable;
  readonly analysis: AnalyseResult;
  readonly resolveLabel: LabelResolver;
  /** Region words found by a VLM box (boxes.ts): word → the id of the merged region. */
  readonly merged?: ReadonlyMap<string, number>;
}

export async function groundEdits(edits: readonly Edit[], inputs: GroundingInputs): Promise<GroundedEdit[]> {
  const measured = measuredRegions(inputs.analysis);
  const every = [...new Set([...inputs.document.regions.map((r) => r.id), ...measured.keys()])];
  const grounded: GroundedEdit[] = [];
  for (const edit of edits) {
    let ids = edit.region === GLOBAL ? every : await idsOfEdit(edit, measured, inputs);
    if (edit.except?.length) {
      const excepted = new Set<number>();
      for (const word of edit.except) for (const id of await resolveQuietly(word, inputs)) excepted.add(id);
      ids = ids.filter((id) => !excepted.has(id));
      if (!ids.some((id) => measured.has(id))) {
        throw new PipelineFailure('label_not_found', `instruction: nothing of "${edit.region}" is left once ${edit.except.map((w) => `"${w}"`).join(', ')} is taken out`);
      }
    }
    grounded.push({ edit, ids: [...ids].sort((a, b) => a - b) });
  }
  return grounded;
}

async function idsOfEdit(edit: Edit, measured: ReadonlyMap<number, unknown>, inputs: GroundingInputs): Promise<number[]> {
  const merged = inputs.merged?.get(edit.region);
  if (merged === undefined) return idsOfLabel(edit.region, 'instruction', measured, inputs);
  if (!measured.has(merged)) throw new PipelineFailure('label_not_found', `instruction: the "${edit.region}" the VLM pointed at is too small to measure or edit`);
  return [merged];
}

/** An except word that names nothing here (or nothing known) takes nothing out: "everything except the person" on a landscape is everything. */
async function resolveQuietly(word: string, { document, resolveLabel }: GroundingInputs): Promise<number[]> {
  try {
    return await resolveLabel(document, word);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'unknown_label') return [];
    throw error;
  }
}
