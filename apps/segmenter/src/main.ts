/**
 * The segmenter service: `node dist/main.js`. Reads and validates the environment,
 * builds the engines, starts the BullMQ worker on queue `segment`, logs one JSON line
 * per job to stdout, and shuts down gracefully on SIGTERM/SIGINT (a second signal
 * forces it).
 */
import { createEmbeddedEngine, createLazySamEngine, loadEngineModels, loadSamEngine, type SegmentationEngine } from '@pertouch/segmentation';
import { startSegmenter } from './app.js';
import { loadConfig } from './config.js';
import { buildEngines, type EngineFactories } from './engines.js';
import type { LogLine } from './worker.js';

const log = (line: LogLine) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'segmenter', ...line })}\n`);

function fatal(error: unknown): never {
  log({ event: 'startup.failed', error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

let config;
let engines;
try {
  config = loadConfig();
  // The embedded engine with whatever optional models PERTOUCH_MODELS_DIR holds; SAM when
  // its files are configured (loaded now if it is the default, else on its first job).
  const models = await loadEngineModels(process.env);
  const embedded = createEmbeddedEngine(models);
  const samConfigured = Boolean(process.env.PERTOUCH_SAM_DIR || process.env.PERTOUCH_SAM_ENCODER);
  const samOptions = { env: process.env, ...models };
  const sam: SegmentationEngine | undefined =
    config.defaultEngine === 'sam' ? await loadSamEngine(samOptions) : samConfigured ? createLazySamEngine(samOptions) : undefined;
  const factories: EngineFactories = { embedded: () => embedded, ...(sam ? { sam: () => sam } : {}) };
  engines = buildEngines(factories, config.defaultEngine);
} catch (error) {
  fatal(error);
}

const segmenter = startSegmenter(config, { engines, log });
log({ event: 'worker.started', concurrency: config.concurrency, engine: config.defaultEngine, engines: Object.keys(engines), queuePrefix: config.queuePrefix, cache: config.cache });

let signals = 0;
const stop = (signal: NodeJS.Signals) => {
  signals++;
  if (signals > 1) {
    log({ event: 'worker.force_stop', signal });
    void segmenter.worker.close(true).finally(() => process.exit(1));
    return;
  }
  log({ event: 'worker.stopping', signal });
  segmenter.close().then(
    () => {
      log({ event: 'worker.stopped' });
      process.exit(0);
    },
    (error: unknown) => fatal(error),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('unhandledRejection', (reason) => log({ event: 'unhandled_rejection', error: reason instanceof Error ? reason.message : String(reason) }));
