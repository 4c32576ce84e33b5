import { formatProblem, type Problem, type SegmentErrorCode } from '@pertouch/contracts';
import type { ImageIoError } from '@pertouch/image-io';

/** The segmenter's codes: libs/contracts' SEGMENT_ERROR_CODES (a `merge` job adds `empty_mask` and `too_many_regions`). */
export type SegmenterErrorCode = SegmentErrorCode;

/** A failure caused by the job's input; never worth retrying. */
export class SegmenterError extends Error {
  override readonly name = 'SegmenterError';
  constructor(
    readonly code: SegmenterErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An image the segmenter cannot read, in the segmenter's codes (unchanged since before
 * @pertouch/image-io): a format it does not accept is an `invalid_image` to it, and the
 * pixel limit is the operator's PERTOUCH_MAX_PIXELS.
 */
export function segmenterErrorOf(error: ImageIoError): SegmenterError {
  switch (error.code) {
    case 'image_too_large':
      return new SegmenterError('image_too_large', `${error.message} (PERTOUCH_MAX_PIXELS)`);
    case 'unsupported_format':
    case 'invalid_image':
      return new SegmenterError('invalid_image', error.message);
  }
}

const SEGMENTATION_CODES: ReadonlySet<string> = new Set([
  'invalid_image',
  'prompt_outside_image',
  'invalid_prompt',
  'unknown_label',
  'model_unavailable',
  'model_invalid',
]);

/**
 * The problem behind an input error: a SegmenterError, or a SegmentationError from an
 * engine (matched by shape, so a second copy of @pertouch/segmentation still counts).
 * Undefined for everything else (I/O, bugs): those are retried.
 */
export function problemOf(error: unknown): Problem<SegmenterErrorCode> | undefined {
  if (error instanceof SegmenterError) return { code: error.code, message: error.message };
  if (error instanceof Error && error.name === 'SegmentationError') {
    const code = (error as Error & { code?: unknown }).code;
    if (typeof code === 'string' && SEGMENTATION_CODES.has(code)) return { code: code as SegmentErrorCode, message: error.message };
  }
  return undefined;
}

/** `[code] message`, the failedReason format of contracts' parseProblem. */
export function problemMessage(problem: Problem): string {
  return formatProblem(problem.code, problem.message);
}
