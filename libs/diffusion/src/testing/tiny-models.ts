/**
 * The tiny generated model set (scripts/onnx/diffusion-test-models.mjs) in a temporary
 * directory, for tests and the benchmark.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDiffusionTestModelSet, type DiffusionTestModelOptions } from '../../../../scripts/onnx/diffusion-test-models.mjs';

export interface TinyModelSet {
  readonly dir: string;
  remove(): void;
}

export function writeTinyModelSet(options: DiffusionTestModelOptions = {}): TinyModelSet {
  const dir = mkdtempSync(join(tmpdir(), 'pertouch-diffusion-'));
  writeDiffusionTestModelSet(dir, options);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
