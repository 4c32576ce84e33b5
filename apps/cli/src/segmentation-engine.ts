import { createEngine, ENGINE_NAMES, isEngineName, type SegmentationEngine } from '@pertouch/segmentation';
import type { Env } from './config.js';
import { CliError } from './errors.js';

/** The engine `pertouch segment --engine NAME` uses (models per the environment). */
export async function createSegmentationEngine(name: string, env: Env): Promise<SegmentationEngine> {
  if (!isEngineName(name)) throw new CliError('usage.invalid_option', `--engine must be ${ENGINE_NAMES.join(' or ')} (got "${name}")`);
  return createEngine(name, env);
}
