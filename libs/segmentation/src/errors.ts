/** Stable machine-readable codes for everything a caller can get wrong. */
export type SegmentationErrorCode =
  | 'invalid_image'
  | 'prompt_outside_image'
  | 'invalid_prompt'
  | 'unknown_label'
  | 'label_not_found'
  | 'model_unavailable'
  | 'model_invalid';

export class SegmentationError extends Error {
  constructor(
    readonly code: SegmentationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SegmentationError';
  }
}
