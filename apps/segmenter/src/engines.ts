import type { SegmentEngine } from '@pertouch/contracts';
import type { SegmentationEngine } from '@pertouch/segmentation';

/** Builds one engine (models are loaded lazily by the engine or here, once, at start-up). */
export type EngineFactory = () => SegmentationEngine;

/** The engines this deployment can run, by the name jobs use. */
export type EngineFactories = Partial<Record<SegmentEngine, EngineFactory>>;

export class EngineConfigError extends Error {
  override readonly name = 'EngineConfigError';
}

/**
 * Instantiates every configured engine once and checks that the default engine is one
 * of them, so a misconfigured deployment fails at start-up, not on its first job.
 */
export function buildEngines(factories: EngineFactories, defaultEngine: SegmentEngine): Record<string, SegmentationEngine> {
  const engines: Record<string, SegmentationEngine> = {};
  for (const [name, factory] of Object.entries(factories)) {
    if (factory) engines[name] = factory();
  }
  if (!Object.hasOwn(engines, defaultEngine)) {
    const available = Object.keys(engines);
    throw new EngineConfigError(
      `SEGMENTER_ENGINE=${defaultEngine}, but this build has no ${defaultEngine} engine (available: ${available.length ? available.join(', ') : 'none'})`,
    );
  }
  return engines;
}
