/**
 * The VLM judge in feedback-driven rethinking (design.md §6, paper §3.3): with a VLM
 * configured (PERTOUCH_VLM_JUDGE, on by default), each round of a strong instruction is
 * shown to it as before/after previews, with the instruction, the parsed edits and what
 * the renderer measured (the embedded judge's lines). Its verdict decides the round;
 * its advice per edit ("more", "less", "ok") scales that edit's delta for the next round
 * (deltaScales), where the embedded judge's secant step on the measured response aims
 * the targets at the new request. When the VLM fails (timeout, 5xx, an answer outside
 * the schema) the embedded verdict stands, and the reason says so.
 *
 * "Before" is the photo the instruction starts from: the original's preview, or for a
 * follow-up its parent's result round's preview (a parent judged without previews has
 * none: the follow-up is then judged by the measurements alone).
 */
import { objectKeys, type Preview, type RoundVerdict } from '@pertouch/contracts';
import type { Database } from '@pertouch/db';
import { VlmFailure, type Edit, type JudgeImage, type VlmJudge } from '@pertouch/instructions';
import type { ObjectStore } from '@pertouch/storage';
import { loadParent } from './follow-up.js';
import type { Verdict } from './judge.js';
import type { Logger } from './log.js';

/** What "more" and "less" do to an edit's delta (per round of advice; they compound). */
export const MORE = 1.5;
export const LESS = 0.6;

export interface VlmJudging {
  readonly judge: VlmJudge;
  readonly instruction: string;
  /** The plan's edits; the judge's advice names them by index. */
  readonly edits: readonly Edit[];
  readonly before: JudgeImage;
  readonly maxRounds: number;
}

/** Each edit's delta scale after the VLM's advice in `verdicts` (1 for an edit never advised on). */
export function deltaScales(verdicts: readonly (RoundVerdict | null)[], edits: number): number[] {
  const scales = new Array<number>(edits).fill(1);
  for (const verdict of verdicts) {
    if (verdict?.judge !== 'vlm') continue;
    for (const { edit, change } of verdict.adjust ?? []) {
      if (edit < edits) scales[edit] *= change === 'more' ? MORE : change === 'less' ? LESS : 1;
    }
  }
  return scales;
}

/** The VLM's verdict on one round, or the embedded one when the VLM fails. */
export async function judgeWithVlm(vlm: VlmJudging, after: JudgeImage, round: number, embedded: Verdict, log?: Logger): Promise<RoundVerdict> {
  try {
    const answer = await vlm.judge.judge({
      instruction: vlm.instruction,
      edits: vlm.edits,
      before: vlm.before,
      after,
      measured: embedded.reason.split('; '),
      round,
      maxRounds: vlm.maxRounds,
    });
    return { satisfied: answer.satisfied, reason: `${answer.reason} (measured: ${embedded.reason})`, judge: 'vlm', adjust: answer.adjust };
  } catch (error) {
    if (!(error instanceof VlmFailure)) throw error;
    log?.({ event: 'job.vlm_judge_fallback', reason: error.reason, round });
    return { satisfied: embedded.satisfied, reason: `the VLM judge failed (${error.reason}), judged by the measurements: ${embedded.reason}`, judge: 'embedded' };
  }
}

export async function readPreview(store: ObjectStore, preview: Preview): Promise<JudgeImage> {
  return { data: await store.get(preview.key), mediaType: 'image/jpeg', width: preview.width, height: preview.height };
}

/** The judge's "before" (see the file comment); undefined when a follow-up's parent has no preview. */
export async function beforeImage(args: {
  readonly store: ObjectStore;
  readonly db: Database;
  readonly tenantId: string;
  readonly imageId: string;
  readonly parentJobId: string | undefined;
  readonly preview: Preview;
}): Promise<JudgeImage | undefined> {
  const { store, db, tenantId, imageId, parentJobId, preview } = args;
  if (!parentJobId) return readPreview(store, preview);
  const { round } = await loadParent(db, tenantId, parentJobId, imageId);
  const key = objectKeys.roundPreview(tenantId, imageId, parentJobId, round.n);
  if (!(await store.exists(key))) return undefined;
  return readPreview(store, { key, width: preview.width, height: preview.height });
}
