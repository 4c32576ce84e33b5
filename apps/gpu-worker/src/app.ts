import { Redis } from 'ioredis';
import { DEFAULT_CALIBRATION, type CalibrationTable } from '@pertouch/imaging';
import type { SceneModel } from '@pertouch/memory';
import { createObjectStore, type ObjectStore } from '@pertouch/storage';
import type { Worker } from 'bullmq';
import type { GpuWorkerConfig } from './config.js';
import { configuredEngines } from './configured-engines.js';
import { EngineRegistry, type RenderEngine } from './engine.js';
import { RenderService } from './render-service.js';
import { createRenderWorker, type Logger, type RenderQueueResult } from './worker.js';

export interface GpuWorker {
  readonly worker: Worker<unknown, RenderQueueResult>;
  readonly service: RenderService;
  readonly engines: EngineRegistry;
  /**
   * Graceful stop: no new jobs; the active ones finish (up to `timeoutMs`, default the
   * config's shutdownTimeoutMs; after that the worker is force-closed and those jobs are
   * re-delivered elsewhere once their lock lapses); then engines and storage close.
   */
  close(timeoutMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly log?: Logger;
  /** Default: the adapter config.storage names (closed with the worker). */
  readonly store?: ObjectStore;
  /** Default: configuredEngines — the embedded engine, and the diffusion engine when PERTOUCH_DIFFUSION_DIR holds a model set. */
  readonly engines?: readonly RenderEngine[];
  /** Default: the built-in calibration table. */
  readonly table?: CalibrationTable;
  /**
   * The scene model loaded by loadSceneModel(config) (required when config.sceneModel is
   * set; the worker closes it). Without one, analyse describes scenes with the embedded
   * descriptor.
   */
  readonly sceneModel?: SceneModel;
}

/** Wires storage, engines, the service and the worker; the worker starts taking jobs at once. */
export function startGpuWorker(config: GpuWorkerConfig, options: StartOptions = {}): GpuWorker {
  // Starting without the configured model would store embedded-v1 scenes where onnx ones are expected: refuse.
  if (config.sceneModel && !options.sceneModel) throw new Error('PERTOUCH_SCENE_MODEL is set: load it with loadSceneModel(config) and pass it as options.sceneModel');
  const sceneModel = options.sceneModel;
  const log = options.log ?? (() => {});
  const table = options.table ?? DEFAULT_CALIBRATION;
  const owned = options.store ? undefined : createObjectStore(config.storage);
  const store = options.store ?? owned!;
  const engines = new EngineRegistry(options.engines ?? configuredEngines(config, { table, log }));
  const service = new RenderService({ store, engines, maxPixels: config.maxPixels, table, log, ...(sceneModel ? { sceneModel } : {}) });
  // Job progress events for the gateway's SSE (advisory: offline Redis only drops them).
  const publisher = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  publisher.on('error', () => {});
  const worker = createRenderWorker({
    connection: { url: config.redisUrl },
    prefix: config.queuePrefix,
    concurrency: config.concurrency,
    lockDurationMs: config.lockDurationMs,
    stalledIntervalMs: config.stalledIntervalMs,
    maxStalledCount: config.maxStalledCount,
    service,
    log,
    publisher,
  });
  let closing: Promise<void> | undefined;
  const close = (timeoutMs = config.shutdownTimeoutMs) =>
    (closing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([worker.close().then(() => 'closed' as const), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        log({ event: 'worker.shutdown_timeout', timeoutMs });
        await worker.close(true);
      }
      await engines.close();
      await sceneModel?.close();
      await owned?.close();
      publisher.disconnect();
    })());
  return { worker, service, engines, close };
}
