/**
 * The gateway's Redis connections: one for commands (BullMQ producers, rate limiting,
 * publishing, readiness) and one in subscriber mode (job events). Commands fail fast
 * while Redis is unreachable — an HTTP request should get a 503, not hang — and errors
 * are logged (throttled) instead of crashing the process.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

export interface RedisClients {
  readonly command: Redis;
  readonly subscriber: Redis;
  close(): Promise<void>;
}

/**
 * Resolves when the client is connected, waiting at most `ms` (a connection still being
 * made at start-up is worth a moment); rejects when it is not ready by then.
 */
export async function whenReady(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`redis connection is ${client.status}`));
    }, ms);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

/** A quit that cannot hang on a connection that is down (quit would queue behind the reconnects). */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}

function logErrors(client: Redis, role: string, log: Logger): void {
  let lastLogged = 0;
  client.on('error', (error: Error) => {
    // A down Redis errors on every reconnect attempt; one line per 10 s is enough.
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    log({ level: 'error', event: 'redis.error', role, error: error.message });
  });
}

export function createRedisClients(url: string, log: Logger): RedisClients {
  const common = {
    connectTimeout: 2_000,
    // Reconnect forever (Redis may come back), but not faster than every 2 s.
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  };
  const command = new Redis(url, { ...common, maxRetriesPerRequest: 1, connectionName: 'pertouch-gateway' });
  const subscriber = new Redis(url, { ...common, maxRetriesPerRequest: 1, connectionName: 'pertouch-gateway-events' });
  logErrors(command, 'command', log);
  logErrors(subscriber, 'subscriber', log);
  return {
    command,
    subscriber,
    async close() {
      await Promise.all([closeRedis(command), closeRedis(subscriber)]);
    },
  };
}
