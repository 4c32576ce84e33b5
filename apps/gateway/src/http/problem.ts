/**
 * API failures as RFC 9457 problem documents. Services throw `ApiProblem` with one of
 * the contracts' stable codes (API_ERROR_CODES); the global filter (problem.filter.ts)
 * turns it — and anything else thrown — into `application/problem+json`.
 */
import { API_ERROR_CODES, PROBLEM_TYPE_BASE, type ApiErrorCode, type ProblemDocument } from '@pertouch/contracts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Short human titles per code (the `title` member: the same for every occurrence of a code). */
const TITLES: Readonly<Record<ApiErrorCode, string>> = {
  validation_failed: 'Request validation failed',
  invalid_json: 'Malformed JSON body',
  invalid_image: 'Invalid image',
  unsupported_format: 'Unsupported image format',
  image_too_large: 'Image too large',
  payload_too_large: 'Payload too large',
  idempotency_key_reused: 'Idempotency key reused',
  webhook_url_forbidden: 'Webhook URL forbidden',
  user_id_required: 'User id required',
  unauthenticated: 'Unauthenticated',
  forbidden_scope: 'Missing scope',
  not_found: 'Not found',
  job_not_cancellable: 'Job not cancellable',
  result_not_ready: 'Result not ready',
  rate_limited: 'Rate limit exceeded',
  quota_exceeded: 'Daily quota exceeded',
  internal_error: 'Internal error',
  service_unavailable: 'Service unavailable',
};

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface ProblemOptions {
  readonly errors?: readonly FieldError[];
  /** Response headers that belong to this failure (Retry-After, WWW-Authenticate…). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extension members merged into the document (e.g. readiness `checks`). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** A failure with a stable code; its message is the problem's `detail` and is shown to the client. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    detail: string,
    readonly options: ProblemOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = API_ERROR_CODES[code];
  }
}

/** Throws-friendly shorthand: `throw problem('not_found', 'job job_… not found')`. */
export function problem(code: ApiErrorCode, detail: string, options?: ProblemOptions): ApiProblem {
  return new ApiProblem(code, detail, options);
}

export function notFound(kind: string, id: string): ApiProblem {
  return problem('not_found', `${kind} ${id} not found`);
}

export function problemDocument(error: ApiProblem, requestId: string | undefined, instance: string | undefined): ProblemDocument & Record<string, unknown> {
  return {
    ...error.options.extensions,
    type: PROBLEM_TYPE_BASE + error.code,
    title: TITLES[error.code],
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance === undefined ? {} : { instance }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(error.options.errors ? { errors: error.options.errors } : {}),
  };
}
