import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTinyModelSet, type TinyModelSet } from '../testing/tiny-models.js';
import { inspectModelSetDirectory } from './inspect-model-set.js';

const sets: TinyModelSet[] = [];
afterEach(() => {
  for (const set of sets.splice(0)) set.remove();
});
const tiny = () => {
  const set = writeTinyModelSet();
  sets.push(set);
  return set;
};

describe('inspectModelSetDirectory', () => {
  it('accepts a complete set and lists its complete variants', () => {
    const result = inspectModelSetDirectory(tiny().dir);
    expect(result).toMatchObject({ ok: true, completePrecisions: ['fp32', 'fp16'] });
  });
  it('a variant with a missing file is not complete; none complete is a reason', () => {
    const set = tiny();
    rmSync(join(set.dir, 'fp16', 'controlnet.onnx'));
    expect(inspectModelSetDirectory(set.dir)).toMatchObject({ ok: true, completePrecisions: ['fp32'] });
    rmSync(join(set.dir, 'fp32', 'unet.onnx'));
    expect(inspectModelSetDirectory(set.dir)).toMatchObject({ ok: false, reason: expect.stringContaining('no complete precision variant') });
  });
  it('says what is wrong with the manifest or the embedding', () => {
    expect(inspectModelSetDirectory('/nonexistent')).toEqual({ ok: false, reason: 'no model-set.json in /nonexistent' });
    const set = tiny();
    rmSync(join(set.dir, 'empty_prompt_embedding.npy'));
    expect(inspectModelSetDirectory(set.dir)).toMatchObject({ ok: false, reason: expect.stringContaining('empty-prompt embedding') });
    writeFileSync(join(set.dir, 'model-set.json'), '{"format": "something else"}');
    expect(inspectModelSetDirectory(set.dir)).toMatchObject({ ok: false, reason: expect.stringContaining('format must be') });
  });
});
