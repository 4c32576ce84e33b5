/**
 * The gpu-worker: `node dist/main.js`. Validates the environment, loads the calibration
 * table, starts the BullMQ worker on queue `render`, logs one JSON line per event to
 * stdout, and shuts down gracefully on SIGTERM/SIGINT (a second signal forces it).
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_CALIBRATION, validateCalibrationTable, type CalibrationTable } from '@pertouch/imaging';
import { startGpuWorker } from './app.js';
import { loadConfig, type GpuWorkerConfig } from './config.js';
import { loadSceneModel } from './scene-model.js';
import type { LogLine } from './worker.js';

const log = (line: LogLine) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'gpu-worker', ...line })}\n`);

function fatal(error: unknown): never {
  log({ event: 'startup.failed', error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

let config: GpuWorkerConfig;
let table: CalibrationTable;
let sceneModel: Awaited<ReturnType<typeof loadSceneModel>>;
try {
  config = loadConfig();
  table = config.calibrationPath ? validateCalibrationTable(JSON.parse(await readFile(config.calibrationPath, 'utf8'))) : DEFAULT_CALIBRATION;
  // At start-up, so that a bad model stops the worker with one line instead of failing every analyse job.
  sceneModel = await loadSceneModel(config, log);
} catch (error) {
  fatal(error);
}

const app = startGpuWorker(config, { log, table, ...(sceneModel ? { sceneModel } : {}) });
log({
  event: 'worker.started',
  concurrency: config.concurrency,
  engines: app.engines.names(),
  threads: config.threads,
  queuePrefix: config.queuePrefix,
  storage: config.storage.kind,
  calibration: table.version,
  scene: sceneModel?.kind ?? 'embedded-v1',
});

let signals = 0;
const stop = (signal: NodeJS.Signals) => {
  signals++;
  if (signals > 1) {
    log({ event: 'worker.force_stop', signal });
    void app.worker.close(true).finally(() => process.exit(1));
    return;
  }
  log({ event: 'worker.stopping', signal });
  app.close().then(
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
