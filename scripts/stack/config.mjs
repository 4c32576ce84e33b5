/**
 * The local stack's environment: one place for the defaults of `npm run stack` and
 * `npm run demo`; every value can be overridden by the same variable in the caller's
 * environment (README: "Configuration").
 */
import path from 'node:path';
import { ROOT } from './launcher.mjs';

export function stackEnv(overrides = {}) {
  const env = { ...process.env, ...overrides };
  const port = env.PORT ?? '8080';
  return {
    ...env,
    NODE_ENV: env.NODE_ENV ?? 'production',
    PORT: port,
    DATABASE_URL: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pertouch',
    REDIS_URL: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    PERTOUCH_QUEUE_PREFIX: env.PERTOUCH_QUEUE_PREFIX ?? 'pertouch',
    PERTOUCH_STORAGE: env.PERTOUCH_STORAGE ?? 'fs',
    PERTOUCH_STORAGE_DIR: env.PERTOUCH_STORAGE_DIR ?? path.join(ROOT, 'data/objects'),
    PERTOUCH_PUBLIC_URL: env.PERTOUCH_PUBLIC_URL ?? `http://127.0.0.1:${port}`,
    // The demo's webhook receiver listens on loopback, which the SSRF guard refuses by default.
    PERTOUCH_WEBHOOK_ALLOWLIST: env.PERTOUCH_WEBHOOK_ALLOWLIST ?? '127.0.0.1',
  };
}
