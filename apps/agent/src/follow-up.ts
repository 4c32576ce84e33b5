/**
 * A follow-up's parent (POST /v1/jobs/{id}/follow-up): the job whose result the new job
 * starts from. The renderer always starts from the original, with absolute targets, so
 * the parent's look is carried as its result round's map: for every group the parent
 * gave a target, the shift target − as-shot (BaseLook). The follow-up's own edits add to
 * that, and the groups it does not name are rendered to the parent's targets again — the
 * same image, segmentation and renderer give the same pixels.
 *
 * A parent rendered as one whole-image region (`auto`, a weak instruction without
 * memory) has one shift for the whole photo; a region the follow-up edits starts from its
 * as-shot value plus that shift, an approximation of what the parent's single transform
 * did to it (the judge then measures the follow-up's change from there).
 */
import { ATTRIBUTE_NAMES, RenderReportDocumentSchema, type RenderReportDocument } from '@pertouch/contracts';
import type { Database, JobRoundRecord } from '@pertouch/db';
import type { Edit } from '@pertouch/instructions';
import { PipelineFailure } from './failures.js';
import type { RegionTable, Values } from './plan.js';
import type { BaseLook } from './strong-plan.js';

export interface ParentJob {
  readonly id: string;
  readonly imageId: string;
  /** The parent's result round. */
  readonly round: JobRoundRecord;
  readonly report: RenderReportDocument;
}

/** Below this a target equals the as-shot value (libs/imaging's UNCHANGED_EPSILON). */
const UNCHANGED = 1e-3;

export async function loadParent(db: Database, tenantId: string, parentJobId: string, imageId: string): Promise<ParentJob> {
  const parent = await db.jobs.get(tenantId, parentJobId);
  if (!parent || parent.imageId !== imageId) throw new PipelineFailure('instruction_not_supported', `the parent job ${parentJobId} does not exist (deleted?) or is on another image`);
  const round = parent.state === 'succeeded' ? (await db.jobs.rounds(parent.id, tenantId)).find((r) => r.imageKey === parent.resultKey) : undefined;
  const report = round ? RenderReportDocumentSchema.safeParse(round.report) : undefined;
  if (!round || !report?.success) throw new PipelineFailure('instruction_not_supported', `the parent job ${parentJobId} has no result to follow up on (it is ${parent.state})`);
  return { id: parent.id, imageId: parent.imageId, round, report: report.data };
}

interface StoredMapRegion {
  readonly id: number;
  readonly ids?: readonly number[];
}

/** The parent's look as shifts per group (see the file comment). */
export function baseLookOf(parent: ParentJob, document: RegionTable): BaseLook {
  const map = (parent.round.map ?? {}) as { regions?: StoredMapRegion[]; wholeImage?: boolean };
  const regions = Array.isArray(map.regions) ? map.regions : [];
  const groupOf = new Map<number, number>();
  const shifts: Values[] = [];
  for (const region of regions) {
    const measured = parent.report.regions.find((r) => r.id === region.id);
    if (!measured?.edited) continue;
    const shift: Values = {};
    for (const a of ATTRIBUTE_NAMES) if (Math.abs(measured.target[a] - measured.asShot[a]) >= UNCHANGED) shift[a] = measured.target[a] - measured.asShot[a];
    const members = map.wholeImage ? document.regions.map((r) => r.id) : (region.ids ?? [region.id]);
    for (const id of members) groupOf.set(id, shifts.length);
    shifts.push(shift);
  }
  return { groupOf, shifts };
}

/** Whether the parent left anything for "more"/"less" to repeat. */
export function requireParentEdits(parentJobId: string, edits: readonly Edit[] | undefined): readonly Edit[] {
  if (!edits?.length) throw new PipelineFailure('instruction_not_supported', `"more"/"less" repeat the parent's edits, and the parent job ${parentJobId} has none (it was not a strong instruction)`);
  return edits;
}
