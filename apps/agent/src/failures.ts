import { JOB_ERROR_CODES, parseProblem, type JobErrorCode } from '@pertouch/contracts';
import type { JobRecord } from '@pertouch/db';

/** The job cannot succeed: it is failed with this code and message (no retry). */
export class PipelineFailure extends Error {
  override readonly name = 'PipelineFailure';
  constructor(
    readonly code: JobErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The job left `running` under our feet (cancelled, or finished by another delivery): stop, touch nothing. */
export class JobStopped extends Error {
  override readonly name = 'JobStopped';
  /** The job as it is now; undefined when it was deleted. */
  constructor(readonly job: JobRecord | undefined) {
    super(`job is ${job?.state ?? 'deleted'}`);
  }
}

const JOB_CODES: ReadonlySet<string> = new Set(JOB_ERROR_CODES);

/**
 * The job failure behind a hop that failed for good (its `failedReason`): a worker's own
 * `[code] message` when the code is a job error code, otherwise the stage's code
 * (`segmentation_failed`, `render_failed`) — also after transient errors used up every
 * attempt. `internal_error` is kept for the agent's own failures.
 */
export function hopFailure(stageCode: 'segmentation_failed' | 'render_failed', failedReason: string): PipelineFailure {
  const problem = parseProblem(failedReason);
  if (problem && JOB_CODES.has(problem.code) && problem.code !== 'internal_error') return new PipelineFailure(problem.code as JobErrorCode, problem.message);
  return new PipelineFailure(stageCode, problem ? `[${problem.code}] ${problem.message}` : failedReason || 'failed without a reason');
}
