/** The compare-and-set UPDATE behind jobs.transition, checked against the state machine. */
import { JOB_TRANSITIONS, TERMINAL_JOB_STATES, type JobState } from '@pertouch/contracts';
import { InvalidJobTransitionError } from '../errors.js';
import type { JobPatch } from '../ports.js';

const PATCH_COLUMNS: Readonly<Record<keyof JobPatch, string>> = {
  stage: 'stage',
  progress: 'progress',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  resultKey: 'result_key',
  resultFormat: 'result_format',
  resultWidth: 'result_width',
  resultHeight: 'result_height',
  resultBytes: 'result_bytes',
};

/** Progress into [0, 1]: a worker's rounding (1.0000001) or NaN must not fail the write. */
export function clampProgress(progress: number): number {
  return Number.isNaN(progress) ? 0 : Math.min(1, Math.max(0, progress));
}

/**
 * Throws unless every state of `from` may go to `to`. A transition outside the state
 * machine is a bug in the caller, not a race, so it is not reported as `undefined`.
 */
export function assertTransitionAllowed(from: readonly JobState[], to: JobState): void {
  if (from.length === 0 || !from.every((state) => JOB_TRANSITIONS[state]?.includes(to))) throw new InvalidJobTransitionError(from, to);
}

/** `UPDATE jobs … WHERE tenant_id = $1 AND id = $2 AND state = ANY($3) RETURNING *`. */
export function transitionStatement(tenantId: string, id: string, from: readonly JobState[], to: JobState, patch: JobPatch = {}): { text: string; values: unknown[] } {
  assertTransitionAllowed(from, to);
  const values: unknown[] = [tenantId, id, [...from], to];
  const assignments = ['state = $4', 'updated_at = now()'];
  if (to === 'running') assignments.push('started_at = now()');
  if (TERMINAL_JOB_STATES.includes(to)) assignments.push('finished_at = now()');
  for (const [field, column] of Object.entries(PATCH_COLUMNS) as [keyof JobPatch, string][]) {
    const value = patch[field];
    if (value === undefined) continue;
    values.push(field === 'progress' ? clampProgress(value as number) : value);
    assignments.push(`${column} = $${values.length}`);
  }
  return {
    text: `UPDATE jobs SET ${assignments.join(', ')} WHERE tenant_id = $1 AND id = $2 AND state = ANY($3::text[]) RETURNING *`,
    values,
  };
}
