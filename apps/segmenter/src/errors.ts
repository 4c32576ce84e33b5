import { formatProblem, type Problem, type SegmentErrorCode } from '@pertouch/contracts';

/** A failure caused by the job's input; never worth retrying. */
export class SegmenterError extends Error {
  override readonly name = 'SegmenterError';
  constructor(
    readonly code: SegmentErrorCode,
    message: string,
  ) {
    super(message);
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
export function problemOf(error: unknown): Problem<SegmentErrorCode> | undefined {
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

/** The first non-empty line of a message (libvips errors span several lines). */
export function firstLine(message: string): string {
  return message.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? message;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
