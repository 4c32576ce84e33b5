/**
 * A throw-away stack for tests and benchmarks: its own database, queue prefix, storage
 * directory and port, so it never touches `npm run stack`'s data and runs beside it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { dropDatabase, ensureDatabase, ensurePgvector, ensurePostgres, ensureRedis } from './infra.mjs';
import { admin, ROOT, startStack } from './launcher.mjs';
import { stackEnv } from './config.mjs';

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts a scratch stack; `extraEnv` overrides variables for every app, `appEnv` per app. */
export async function startScratchStack({ extraEnv = {}, appEnv = {}, name = 'e2e', apps, replicas } = {}) {
  const tag = `${name.replace(/[^a-z0-9]/g, '_')}_${process.pid}_${Date.now().toString(36)}`;
  const base = stackEnv();
  const dbUrl = new URL(process.env.PERTOUCH_TEST_DATABASE_URL ?? base.DATABASE_URL);
  dbUrl.pathname = `/pertouch_${tag}`;
  const storageDir = await mkdtemp(path.join(os.tmpdir(), `pertouch-${name}-`));
  const env = stackEnv({
    ...extraEnv,
    PORT: String(await freePort()),
    DATABASE_URL: dbUrl.toString(),
    PERTOUCH_QUEUE_PREFIX: `pt_${tag}`,
    PERTOUCH_STORAGE: 'fs',
    PERTOUCH_STORAGE_DIR: storageDir,
    PERTOUCH_PUBLIC_URL: '',
  });
  env.PERTOUCH_PUBLIC_URL = `http://127.0.0.1:${env.PORT}`;
  await ensureRedis(env.REDIS_URL);
  await ensurePostgres(env.DATABASE_URL);
  await ensurePgvector(env.DATABASE_URL);
  await ensureDatabase(env.DATABASE_URL);
  const { migrate } = await import(path.join(ROOT, 'libs/db/dist/index.js'));
  await migrate(env.DATABASE_URL, { log: () => {} });
  const logDir = path.join(ROOT, 'out', name, tag);
  const stack = await startStack({ env, logDir, appEnv, apps, replicas });

  return {
    ...stack,
    env,
    storageDir,
    async tenant(id, extra = []) {
      const tenant = await admin(env, ['tenant', 'create', id, ...extra]);
      const key = await admin(env, ['key', 'create', id]);
      return { tenant, key: key.key, keyId: key.id };
    },
    admin: (args) => admin(env, args),
    async destroy() {
      await stack.stop();
      await dropDatabase(env.DATABASE_URL).catch(() => {});
      await rm(storageDir, { recursive: true, force: true });
      const redis = new Redis(env.REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.PERTOUCH_QUEUE_PREFIX}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
