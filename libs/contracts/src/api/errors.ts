/**
 * Stable problem codes of the HTTP API (RFC 9457 problem+json: `type` is
 * `https://pertouch.dev/problems/{code}`, `code` repeats it) and of failed jobs.
 */
export const API_ERROR_CODES = {
  // 400
  validation_failed: 400,
  invalid_json: 400,
  invalid_image: 400,
  unsupported_format: 415,
  image_too_large: 413,
  payload_too_large: 413,
  idempotency_key_reused: 422,
  webhook_url_forbidden: 422,
  /** Feedback on a job created without a userId: there is nobody to remember the look for. */
  user_id_required: 422,
  // 401 / 403 / 404
  unauthenticated: 401,
  forbidden_scope: 403,
  not_found: 404,
  // 409
  job_not_cancellable: 409,
  result_not_ready: 409,
  // 429
  rate_limited: 429,
  quota_exceeded: 429,
  // 5xx
  internal_error: 500,
  service_unavailable: 503,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** Codes a job can fail with (in `job.error.code`). */
export const JOB_ERROR_CODES = [
  'image_not_found',
  'invalid_image',
  'image_too_large',
  'label_not_found',
  'unknown_engine',
  'engine_unavailable',
  'segmentation_failed',
  'render_failed',
  'invalid_map',
  'instruction_not_supported',
  'internal_error',
] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

export const PROBLEM_TYPE_BASE = 'https://pertouch.dev/problems/';

/** RFC 9457 problem details, with PerTouch's `code` and the request id. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance?: string;
  readonly requestId?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
}
