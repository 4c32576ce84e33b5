/**
 * The segmenter service: `node dist/main.js`. Reads and validates the environment,
 * builds the engines, starts the BullMQ worker on queue `segment`, logs one JSON line
 * per job to stdout, and shuts down gracefully on SIGTERM/SIGINT (a second signal
 * forces it).
 */
import * as segmentation from '@pertouch/segmentation';
import { startSegmenter } from './app.js';
import { loadConfig } from './config.js';
import { buildEngines, embeddedFactoryFrom, type EngineFactories } from './engines.js';
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
  // ── WIRING (issue 3): when @pertouch/segmentation exports createEmbeddedEngine, this line may become
  // `const factories: EngineFactories = { embedded: () => createEmbeddedEngine() };` with a static import.
  const factories: EngineFactories = { embedded: embeddedFactoryFrom(segmentation) };
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
