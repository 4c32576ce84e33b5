import { createEmbeddedEngine, type SegmentationEngine } from '@pertouch/segmentation';
import type { Env } from './config.js';
import { CliError } from './errors.js';

/** The engine `pertouch segment --engine NAME` uses. */
export async function createSegmentationEngine(name: string, env: Env): Promise<SegmentationEngine> {
  void env;
  if (name === 'embedded') return createEmbeddedEngine();
  throw new CliError('usage.invalid_option', `--engine must be embedded or sam (got "${name}")`);
}
