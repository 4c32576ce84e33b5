/**
 * The engines a deployment runs, from its configuration: the embedded engine always; the
 * diffusion engine when PERTOUCH_DIFFUSION_DIR names a model set that looks complete (its
 * sessions then load in the background from start-up); and, with GPU_WORKER_HEALTH_PORT,
 * the /healthz + /readyz server that reports them (closed with the engines).
 *
 * A PERTOUCH_DIFFUSION_DIR that is set but unusable does not stop the worker: the engine
 * is not registered, one `engine.unavailable` log line says why, and jobs asking for
 * `diffusion` fail `engine_unavailable` as on a deployment without it.
 */
import { inspectModelSetDirectory } from '@pertouch/diffusion';
import type { CalibrationTable } from '@pertouch/imaging';
import type { GpuWorkerConfig } from './config.js';
import { DiffusionRenderEngine } from './diffusion-engine.js';
import { EmbeddedRenderEngine } from './embedded-engine.js';
import type { RenderEngine } from './engine.js';
import { engineStatus, startHealthServer } from './health-server.js';
import type { Logger } from './worker.js';

export interface ConfiguredEngineOptions {
  readonly table: CalibrationTable;
  readonly log?: Logger;
}

export function configuredEngines(config: GpuWorkerConfig, options: ConfiguredEngineOptions): RenderEngine[] {
  const engines: RenderEngine[] = [new EmbeddedRenderEngine({ table: options.table, threads: config.threads })];
  const diffusion = diffusionEngine(config, options);
  if (diffusion) engines.push(diffusion);
  options.log?.({ event: 'engines.configured', engines: engines.map(engineStatus) });
  return config.healthPort > 0 ? withHealthServer(engines, config.healthPort, options.log) : engines;
}

/** The diffusion engine, preloading, when its model set is configured and present. */
export function diffusionEngine(config: GpuWorkerConfig, options: ConfiguredEngineOptions): DiffusionRenderEngine | undefined {
  const settings = config.diffusion;
  if (!settings) return undefined;
  const inspection = inspectModelSetDirectory(settings.dir);
  if (!inspection.ok) {
    options.log?.({ event: 'engine.unavailable', engine: 'diffusion', dir: settings.dir, reason: inspection.reason });
    return undefined;
  }
  const engine = new DiffusionRenderEngine({ ...settings, transferThreads: config.threads, table: options.table, log: options.log });
  engine.preload();
  return engine;
}

/** Starts the health server over `engines` and closes it when the first engine closes (the registry closes them all together). */
function withHealthServer(engines: RenderEngine[], port: number, log: Logger | undefined): RenderEngine[] {
  const health = startHealthServer({ port, engines, log });
  const [first, ...rest] = engines;
  const closing: RenderEngine = {
    name: first.name,
    version: first.version,
    available: () => first.available(),
    render: (...args) => first.render(...args),
    close: async () => {
      await first.close?.();
      await health.close();
    },
  };
  return [closing, ...rest];
}
