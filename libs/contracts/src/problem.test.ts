import { describe, expect, it } from 'vitest';
import { SEGMENT_ERROR_CODES, formatProblem, isSegmentErrorCode, parseProblem } from './index.js';

describe('problems', () => {
  it('round-trips [code] message through a failedReason', () => {
    const reason = formatProblem('invalid_image', 'cannot decode the image (VipsJpeg: premature end)\nsecond line');
    expect(reason).toBe('[invalid_image] cannot decode the image (VipsJpeg: premature end)\nsecond line');
    expect(parseProblem(reason)).toEqual({ code: 'invalid_image', message: 'cannot decode the image (VipsJpeg: premature end)\nsecond line' });
  });

  it('returns undefined for anything else', () => {
    expect(parseProblem('connect ECONNREFUSED')).toBeUndefined();
    expect(parseProblem(undefined)).toBeUndefined();
    expect(parseProblem('')).toBeUndefined();
  });

  it('knows the segment codes, including the segmentation contract codes', () => {
    for (const code of ['invalid_payload', 'invalid_image', 'image_too_large', 'image_not_found', 'unknown_engine', 'prompt_outside_image', 'invalid_prompt', 'unknown_label', 'model_unavailable', 'model_invalid']) {
      expect(isSegmentErrorCode(code)).toBe(true);
    }
    expect(isSegmentErrorCode('internal')).toBe(false);
    expect(new Set(SEGMENT_ERROR_CODES).size).toBe(SEGMENT_ERROR_CODES.length);
  });
});
