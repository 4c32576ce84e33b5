import { describe, expect, it } from 'vitest';
import { deltaScales, LESS, MORE } from './vlm-judging.js';

describe('the VLM judge’s advice as delta scales', () => {
  it('compounds "more" and "less" per edit over the rounds; embedded verdicts and unknown edits count for nothing', () => {
    const scales = deltaScales(
      [
        { satisfied: false, reason: '', judge: 'vlm', adjust: [{ edit: 0, change: 'more' }, { edit: 1, change: 'less' }, { edit: 7, change: 'more' }] },
        { satisfied: false, reason: '', judge: 'embedded', adjust: [{ edit: 0, change: 'more' }] },
        { satisfied: false, reason: '', judge: 'vlm', adjust: [{ edit: 0, change: 'more' }, { edit: 1, change: 'ok' }] },
        null,
      ],
      3,
    );
    expect(scales).toEqual([MORE * MORE, LESS, 1]);
  });
});
