/**
 * The embedded judge of feedback-driven rethinking (design.md §6, paper §3.3): after each
 * round it reads the round's report — what the renderer measured on the output — and
 * decides whether the instruction was carried out; if not, it revises the targets.
 *
 * - **Asked**: for every group and attribute the instruction changes, the requested delta
 *   is wanted − current, where current = the group's as-shot value (measured on the group
 *   by this round's report) plus what a follow-up's parent had changed, and wanted =
 *   current + the edit's delta, clamped to [-1, 1]. The achieved delta is achieved −
 *   current. In band: |achieved delta − requested delta| ≤ max(0.03, 25 % of |requested
 *   delta|) — 0.03 is about the renderer's own accuracy, 25 % keeps "a little" (0.1)
 *   distinguishable from plain (0.2) and "a lot" (0.4).
 * - **Untouched**: every group the round gives no target (the rest of the photo) must not
 *   move: |achieved − as-shot| ≤ 0.03 for all four attributes.
 * - **Revise** (only when something asked is out of band): a secant step on the measured
 *   response of each such attribute, next target = previous target + (wanted − achieved)
 *   · Δtarget/Δachieved over the last two rounds (the first round's partner is "target =
 *   as shot gives achieved = as shot"); the slope is kept within [0.5, 3] (1 when the
 *   response is flat or inverted), the target clamped to [-1, 1]. Nothing is revised when
 *   only the untouched check failed (re-rendering the same targets changes nothing), when
 *   the renderer reports the target out of reach, or when the revision would not move.
 */
import { ATTRIBUTE_NAMES, type AttributeName, type RenderReportDocument } from '@pertouch/contracts';
import type { Values } from './plan.js';
import { reportRegion, wantedValues, type StrongDesign } from './strong-plan.js';

export const ABSOLUTE_TOLERANCE = 0.03;
export const RELATIVE_TOLERANCE = 0.25;
/** How far a group without a target may drift (the renderer's feathering near edited regions). */
export const UNTOUCHED_TOLERANCE = 0.03;
const MIN_SLOPE = 0.5;
const MAX_SLOPE = 3;

export interface Verdict {
  readonly satisfied: boolean;
  readonly reason: string;
}

/** One rendered round: the targets it asked per design group, and its report. */
export interface RoundOutcome {
  readonly targets: readonly Values[];
  readonly report: RenderReportDocument;
}

export interface Judgement {
  readonly verdict: Verdict;
  /** How far the round is from the request: ≤ 1 when satisfied; the best round has the least. */
  readonly miss: number;
  /** The next round's targets; absent when another round cannot do better. */
  readonly next?: readonly Values[];
}

/** Judges the last of `rounds` (all rounds so far, in order). */
export function judgeRound(design: StrongDesign, rounds: readonly RoundOutcome[]): Judgement {
  const last = rounds.at(-1)!;
  const asked: string[] = [];
  const missed: { group: number; attribute: AttributeName; wanted: number; achieved: number; clipped: boolean }[] = [];
  let miss = 0;
  let drift = { amount: 0, where: '' };
  for (const [i, group] of design.groups.entries()) {
    const region = reportRegion(last.report, group);
    if (!region) continue;
    if (Object.keys(last.targets[i]).length === 0) {
      for (const a of ATTRIBUTE_NAMES) {
        const moved = Math.abs(region.achieved[a] - region.asShot[a]);
        if (moved > drift.amount) drift = { amount: moved, where: `${group.label ?? `region ${group.ids[0]}`} ${a}` };
      }
      continue;
    }
    const wanted = wantedValues(group, region.asShot);
    for (const a of ATTRIBUTE_NAMES) {
      if (group.deltas[a] === undefined) continue;
      const current = region.asShot[a] + (group.carried[a] ?? 0);
      const requested = wanted[a]! - current;
      const achieved = region.achieved[a] - current;
      const tolerance = Math.max(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * Math.abs(requested));
      const error = Math.abs(achieved - requested);
      miss = Math.max(miss, error / tolerance);
      asked.push(`${group.label ?? `region ${group.ids[0]}`} ${a} ${signed(achieved)} (asked ${signed(requested)} ± ${tolerance.toFixed(3)})`);
      if (error > tolerance) missed.push({ group: i, attribute: a, wanted: wanted[a]!, achieved: region.achieved[a], clipped: region.clipped[a] });
    }
  }
  const untouchedOk = drift.amount <= UNTOUCHED_TOLERANCE;
  miss = Math.max(miss, drift.amount / UNTOUCHED_TOLERANCE > 1 ? drift.amount / UNTOUCHED_TOLERANCE : 0);
  const untouched = untouchedOk ? `the rest unchanged (max |Δ| ${drift.amount.toFixed(3)})` : `the rest moved: ${drift.where} by ${drift.amount.toFixed(3)} (> ${UNTOUCHED_TOLERANCE})`;
  const summary = `${asked.join('; ') || 'nothing asked is measurable'}; ${untouched}`;
  if (missed.length === 0 && untouchedOk) return { verdict: { satisfied: true, reason: summary }, miss };

  const next = missed.length > 0 ? revise(design, rounds, missed) : undefined;
  const why = missed.length === 0 ? 'regions outside the edit moved; another round would render the same' : next ? 'revising the targets' : missed.some((m) => m.clipped) ? 'out of the renderer’s reach' : 'a revision would not change the targets';
  return { verdict: { satisfied: false, reason: `${summary} — ${why}` }, miss, ...(next ? { next } : {}) };
}

/** The secant step for every missed attribute (see the file comment); undefined when nothing would change. */
function revise(design: StrongDesign, rounds: readonly RoundOutcome[], missed: readonly { group: number; attribute: AttributeName; wanted: number; achieved: number; clipped: boolean }[]): Values[] | undefined {
  const last = rounds.at(-1)!;
  const next = last.targets.map((t) => ({ ...t }));
  let changed = false;
  for (const m of missed) {
    if (m.clipped) continue;
    const group = design.groups[m.group];
    const points = rounds.flatMap((r) => {
      const region = reportRegion(r.report, group);
      const target = r.targets[m.group][m.attribute];
      return region && target !== undefined ? [{ target, achieved: region.achieved[m.attribute] }] : [];
    });
    const asShot = reportRegion(last.report, group)!.asShot[m.attribute];
    const [previous, current] = points.length >= 2 ? points.slice(-2) : [{ target: asShot, achieved: asShot }, points[0]];
    const slope = secantSlope(previous, current);
    const target = Math.max(-1, Math.min(1, current.target + (m.wanted - m.achieved) * slope));
    if (Math.abs(target - current.target) < 1e-3) continue;
    next[m.group][m.attribute] = target;
    changed = true;
  }
  return changed ? next : undefined;
}

function secantSlope(a: { target: number; achieved: number }, b: { target: number; achieved: number }): number {
  const dAchieved = b.achieved - a.achieved;
  const slope = (b.target - a.target) / dAchieved;
  if (!Number.isFinite(slope) || Math.abs(dAchieved) < 0.005 || slope <= 0) return 1;
  return Math.max(MIN_SLOPE, Math.min(MAX_SLOPE, slope));
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
}

/**
 * The round a job's result is: the first satisfied one (the loop stops there), else the
 * one with the least miss (a later round on a tie) — a revision can overshoot, and the
 * client gets the closest look, not merely the last.
 */
export function bestRound(misses: readonly { n: number; miss: number; satisfied: boolean }[]): number {
  const satisfied = misses.find((m) => m.satisfied);
  if (satisfied) return satisfied.n;
  let best = misses[0];
  for (const m of misses) if (m.miss <= best.miss) best = m;
  return best.n;
}
