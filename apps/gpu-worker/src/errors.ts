import { formatProblem, type JobErrorCode } from '@pertouch/contracts';
import { UnrecoverableError } from 'bullmq';

/** Codes a render-queue job fails with: the job error codes, plus a malformed payload. */
export type RenderErrorCode = JobErrorCode | 'invalid_payload';

/** A failure caused by the job's input or the deployment; never worth retrying. */
export class RenderJobError extends Error {
  override readonly name = 'RenderJobError';
  constructor(
    readonly code: RenderErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The UnrecoverableError BullMQ fails a job with at once (no retry), its message in the
 * `[code] message` form that contracts' parseProblem reads back.
 */
export function unrecoverable(error: RenderJobError): UnrecoverableError {
  const failure = new UnrecoverableError(formatProblem(error.code, error.message));
  (failure as UnrecoverableError & { code?: string }).code = error.code;
  return failure;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
