/**
 * Errors of the repositories. Expected outcomes (not found, replayed, busy…) are return
 * values; these are thrown only for caller bugs, so a service maps them to a 500.
 */
import type { JobState } from '@pertouch/contracts';

/** A transition the job state machine (contracts' JOB_TRANSITIONS) does not allow. */
export class InvalidJobTransitionError extends Error {
  override readonly name = 'InvalidJobTransitionError';
  constructor(
    readonly from: readonly JobState[],
    readonly to: JobState,
  ) {
    super(`job transition ${from.length === 0 ? '(no source state)' : from.join('|')} → ${to} is not allowed`);
  }
}

/** A row that must exist (the caller created it, or just read it) does not. */
export class RecordNotFoundError extends Error {
  override readonly name = 'RecordNotFoundError';
  constructor(
    readonly table: string,
    readonly id: string,
  ) {
    super(`${table} ${id} not found`);
  }
}

/** Arguments that break a repository's contract (e.g. a batch job of another tenant). */
export class InvalidArgumentError extends Error {
  override readonly name = 'InvalidArgumentError';
}
