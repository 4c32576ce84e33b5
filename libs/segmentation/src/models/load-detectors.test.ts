import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SegmentationError } from '../errors.js';
import { loadDetectors, MODEL_SPECS } from './load-detectors.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'pertouch-models-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadDetectors', () => {
  it('with an empty models dir: nothing loaded, every model unavailable with its labels and a reason', async () => {
    const { detectors, unavailable } = await loadDetectors({ modelsDir: tempDir() });
    expect(detectors).toEqual([]);
    expect(unavailable.map((u) => u.model)).toEqual(['isnet', 'selfie', 'blazeface', 'centernet']);
    expect(unavailable.find((u) => u.model === 'isnet')!.labels).toEqual(['subject', 'background']);
    expect(unavailable.find((u) => u.model === 'selfie')!.labels).toEqual(['person']);
    expect(unavailable.find((u) => u.model === 'blazeface')!.labels).toEqual(['face']);
    expect(unavailable.find((u) => u.model === 'centernet')!.labels).toContain('dog');
    for (const u of unavailable) expect(u.reason).toMatch(/missing .*npm run models/);
  });

  it('with a dir that does not exist: the same, nothing thrown', async () => {
    const res = await loadDetectors({ modelsDir: path.join(tempDir(), 'nope') });
    expect(res.detectors).toEqual([]);
    expect(res.unavailable).toHaveLength(MODEL_SPECS.length);
  });

  it('a present but corrupt ONNX file → model_invalid', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'isnet'));
    writeFileSync(path.join(root, 'isnet', 'isnet.onnx'), 'not an onnx model');
    const err = await loadDetectors({ modelsDir: root, only: ['isnet'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmentationError);
    expect((err as SegmentationError).code).toBe('model_invalid');
    expect((err as SegmentationError).message).toMatch(/isnet/);
  });

  it('a present but corrupt TFJS model.json → model_invalid', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'selfie'));
    writeFileSync(path.join(root, 'selfie', 'selfie.json'), '{"truncated": ');
    writeFileSync(path.join(root, 'selfie', 'selfie.bin'), Buffer.alloc(16));
    const err = await loadDetectors({ modelsDir: root, only: ['selfie'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmentationError);
    expect((err as SegmentationError).code).toBe('model_invalid');
  });

  it('a model.json without its weights is listed unavailable (missing file), not loaded', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'blazeface'));
    writeFileSync(path.join(root, 'blazeface', 'blazeface.json'), '{}');
    const { unavailable } = await loadDetectors({ modelsDir: root, only: ['blazeface'] });
    expect(unavailable.find((u) => u.model === 'blazeface')!.reason).toMatch(/blazeface\.bin/);
  });

  it('only: the others are listed as not selected; an unknown name is an error', async () => {
    const { unavailable } = await loadDetectors({ modelsDir: tempDir(), only: ['selfie'] });
    expect(unavailable.filter((u) => u.reason === 'not selected').map((u) => u.model)).toEqual(['isnet', 'blazeface', 'centernet']);
    await expect(loadDetectors({ modelsDir: tempDir(), only: ['yolo'] })).rejects.toMatchObject({ code: 'model_unavailable' });
  });
});
