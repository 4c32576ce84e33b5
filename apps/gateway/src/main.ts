/**
 * The gateway service: `node dist/main.js`. Validates the environment (every bad
 * variable printed, exit 1), connects the real adapters — Postgres, object storage,
 * Redis/BullMQ — listens, and shuts down gracefully on SIGTERM/SIGINT (a second signal
 * forces the exit).
 */
import { EnvConfigError } from '@pertouch/contracts';
import { createDatabase } from '@pertouch/db';
import { createMemoryRepository, type OpenedMemoryRepository } from '@pertouch/memory';
import { createObjectStore } from '@pertouch/storage';
import { createGatewayApp, type GatewayApp } from './app.js';
import { loadConfig, type GatewayConfig } from './config.js';
import { stdoutLogger as log } from './logger.js';

let config: GatewayConfig;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof EnvConfigError) {
    process.stderr.write(`pertouch-gateway: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const db = createDatabase({ ...config.database, onIdleError: (error) => log({ level: 'error', event: 'postgres.idle_error', error: error.message }) });
const store = createObjectStore(config.storage);
let app: GatewayApp;
let memory: OpenedMemoryRepository | undefined;
try {
  // The scene memory (PERTOUCH_MEMORY): Postgres connects lazily; the embedded store opens now.
  memory = await createMemoryRepository(process.env);
  app = await createGatewayApp({ settings: config, db, store, memory, log, processMetrics: true });
  const url = await app.listen(config.port, config.host);
  log({ event: 'gateway.started', url, storage: config.storage.kind, memory: memory.backend, queuePrefix: config.queuePrefix, publicUrl: config.publicUrl });
} catch (error) {
  log({ level: 'error', event: 'startup.failed', error: error instanceof Error ? error.message : String(error) });
  await db.close().catch(() => undefined);
  await store.close().catch(() => undefined);
  await memory?.close().catch(() => undefined);
  process.exit(1);
}

let signals = 0;
const stop = (signal: NodeJS.Signals) => {
  if (++signals > 1) {
    log({ level: 'warn', event: 'gateway.force_stop', signal });
    process.exit(1);
  }
  log({ event: 'gateway.stopping', signal, timeoutMs: config.shutdownTimeoutMs });
  app
    .close()
    .then(() => Promise.all([db.close(), store.close(), memory?.close()]))
    .then(
      () => {
        log({ event: 'gateway.stopped' });
        process.exit(0);
      },
      (error: unknown) => {
        log({ level: 'error', event: 'gateway.stop_failed', error: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      },
    );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('unhandledRejection', (reason) => log({ level: 'error', event: 'unhandled_rejection', error: reason instanceof Error ? reason.message : String(reason) }));
