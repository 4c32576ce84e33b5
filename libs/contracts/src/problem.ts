/**
 * Machine-readable failure codes and how they travel through a queue.
 *
 * BullMQ keeps only an error's message (`job.failedReason`), so a worker that fails a
 * job on purpose writes the message as `[code] human text`; `parseProblem` reads it back.
 */

/** Everything a caller of the `segment` queue can get wrong (all fail the job without retry). */
export const SEGMENT_ERROR_CODES = [
  /** The job payload does not match SegmentJobSchema (includes an imageKey outside the tenant). */
  'invalid_payload',
  /** The image object does not exist in object storage. */
  'image_not_found',
  /** The bytes are not an image sharp can decode (corrupt, truncated, unsupported format). */
  'invalid_image',
  /** width × height is over the service's pixel limit (PERTOUCH_MAX_PIXELS). */
  'image_too_large',
  /** The job names an engine this deployment does not run. */
  'unknown_engine',
  // The segmentation contract's own codes (libs/segmentation SegmentationErrorCode):
  'prompt_outside_image',
  'invalid_prompt',
  'unknown_label',
  'model_unavailable',
  'model_invalid',
  /** A `merge` job's prompt selected no pixel: there is no object to merge. */
  'empty_mask',
  /** A `merge` job found all 256 region ids taken. */
  'too_many_regions',
] as const;

export type SegmentErrorCode = (typeof SEGMENT_ERROR_CODES)[number];

export interface Problem<Code extends string = string> {
  readonly code: Code;
  readonly message: string;
}

/** The message a worker gives the error it fails a job with: `[code] message`. */
export function formatProblem(code: string, message: string): string {
  return `[${code}] ${message}`;
}

/** Reads `[code] message` back from a failed job's `failedReason`; undefined for anything else. */
export function parseProblem(failedReason: string | undefined | null): Problem | undefined {
  if (!failedReason) return undefined;
  const match = /^\[([a-z][a-z0-9_.]*)\] ([\s\S]*)$/.exec(failedReason);
  return match ? { code: match[1], message: match[2] } : undefined;
}

export function isSegmentErrorCode(code: string): code is SegmentErrorCode {
  return (SEGMENT_ERROR_CODES as readonly string[]).includes(code);
}
