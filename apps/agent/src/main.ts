/**
 * The agent: `node dist/main.js`. Validates the environment, connects Postgres and
 * object storage, starts the orchestrator's worker on queue `agent` and the webhook
 * worker on queue `webhook`, logs one JSON line per event to stdout, and shuts down
 * gracefully on SIGTERM/SIGINT (a second signal forces it).
 */
import { createDatabase } from '@pertouch/db';
import { createMemoryRepository, type OpenedMemoryRepository } from '@pertouch/memory';
import { createObjectStore } from '@pertouch/storage';
import { startAgent } from './app.js';
import { loadConfig, type AgentConfig } from './config.js';
import type { LogLine } from './log.js';

const log = (line: LogLine) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'agent', ...line })}\n`);

function fatal(error: unknown): never {
  log({ event: 'startup.failed', error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

let config: AgentConfig;
try {
  config = loadConfig();
} catch (error) {
  fatal(error);
}

// Both connect lazily: the agent starts while Postgres or storage is still coming up, and
// jobs that meet them down are retried by BullMQ.
const db = createDatabase({ ...config.database, onIdleError: (error) => log({ event: 'db.idle_error', error: error.message }) });
const store = createObjectStore(config.storage);
// The scene memory (PERTOUCH_MEMORY): Postgres connects lazily; the embedded store opens now.
let memory: OpenedMemoryRepository;
try {
  memory = await createMemoryRepository(process.env);
} catch (error) {
  fatal(error);
}
const agent = startAgent(config, { db, store, memory, log });
log({
  event: 'worker.started',
  concurrency: config.concurrency,
  webhookConcurrency: config.webhookConcurrency,
  queuePrefix: config.queuePrefix,
  storage: config.storage.kind,
  instructions: config.vlm ? `vlm ${config.vlm.model}` : 'rules',
  memory: memory.backend,
  maxRounds: config.maxRounds,
});

const shutdown = async () => {
  await agent.close();
  await Promise.allSettled([db.close(), store.close(), memory.close()]);
};

let signals = 0;
const stop = (signal: NodeJS.Signals) => {
  signals++;
  if (signals > 1) {
    log({ event: 'worker.force_stop', signal });
    void agent.close(0).finally(() => process.exit(1));
    return;
  }
  log({ event: 'worker.stopping', signal });
  shutdown().then(
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
