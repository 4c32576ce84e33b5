/**
 * The gateway's configuration, read once from the environment at start-up and validated
 * as a whole: one EnvConfigError lists every bad variable (README: the same table).
 */
import { EnvConfigError, envVar, parseEnv } from '@pertouch/contracts';
import { databaseConfigFromEnv, type DatabaseConfig } from '@pertouch/db';
import { storageConfigFromEnv, type StorageConfig } from '@pertouch/storage';
import { memoryConfigFromEnv, type MemoryConfig } from '@pertouch/memory';
import { loadWebhookAllowlist, type WebhookAllowlist } from '@pertouch/webhooks';

export const MIB = 1024 * 1024;
export const DEFAULT_MAX_UPLOAD_BYTES = 100 * MIB;
export const DEFAULT_MAX_PIXELS = 110_000_000;

/** What the HTTP application itself needs (main.ts adds where to listen and what to connect to). */
export interface GatewaySettings {
  readonly redisUrl: string;
  /** BullMQ key prefix; the rate limiter's keys live under it too. */
  readonly queuePrefix: string;
  readonly maxUploadBytes: number;
  /** JSON request bodies (jobs, batches, webhook endpoints). */
  readonly maxJsonBytes: number;
  readonly maxPixels: number;
  /** Base of the links the API hands out (job result URLs), without a trailing slash. */
  readonly publicUrl: string;
  /** Answer GET /v1/jobs/{id}/result with a 302 to a presigned URL when the store can make one. */
  readonly resultRedirect: boolean;
  readonly resultUrlTtlSeconds: number;
  readonly webhookAllowlist: WebhookAllowlist;
  readonly shutdownTimeoutMs: number;
}

export interface GatewayConfig extends GatewaySettings {
  readonly port: number;
  readonly host: string;
  readonly database: Required<DatabaseConfig>;
  readonly storage: StorageConfig;
  /** The scene memory feedback writes to (PERTOUCH_MEMORY, PERTOUCH_MEMORY_*; libs/memory). */
  readonly memory: MemoryConfig;
}

const QUEUE_PREFIX = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Every variable the gateway reads itself. Storage (PERTOUCH_STORAGE, PERTOUCH_STORAGE_DIR,
 * S3_*), database (DATABASE_URL, DATABASE_POOL_SIZE, DATABASE_STATEMENT_TIMEOUT_MS) and
 * PERTOUCH_WEBHOOK_ALLOWLIST and the scene memory's (PERTOUCH_MEMORY, PERTOUCH_MEMORY_*) are
 * validated by their libraries' own readers.
 */
export const GATEWAY_ENV_SCHEMA = {
  PORT: envVar.int(8080, 0, 65_535),
  HOST: envVar.stringOr('0.0.0.0'),
  REDIS_URL: envVar.urlOr('redis://127.0.0.1:6379', ['redis', 'rediss']),
  PERTOUCH_QUEUE_PREFIX: envVar.stringOr('pertouch', { pattern: QUEUE_PREFIX, hint: 'must be 1–64 of [A-Za-z0-9_-]' }),
  PERTOUCH_MAX_UPLOAD_BYTES: envVar.int(DEFAULT_MAX_UPLOAD_BYTES, 1, 4096 * MIB),
  PERTOUCH_MAX_JSON_BYTES: envVar.int(MIB, 1024, 64 * MIB),
  PERTOUCH_MAX_PIXELS: envVar.int(DEFAULT_MAX_PIXELS, 1, 2 ** 31 - 1),
  PERTOUCH_PUBLIC_URL: envVar.url(['http', 'https']),
  PERTOUCH_RESULT_REDIRECT: envVar.bool(true),
  PERTOUCH_RESULT_URL_TTL_SECONDS: envVar.int(900, 1, 7 * 24 * 3600),
  PERTOUCH_SHUTDOWN_TIMEOUT_MS: envVar.int(25_000, 0, 3_600_000),
};

type Env = Readonly<Record<string, string | undefined>>;

/** Runs one reader, collecting its EnvConfigError's problems instead of stopping at the first failing reader. */
function collect<T>(problems: string[], read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof EnvConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/**
 * Validates the environment; throws one EnvConfigError listing every problem of the
 * gateway's, the storage's, the webhook allowlist's and the database's variables
 * (secret values never shown).
 */
export function loadConfig(env: Env = process.env): GatewayConfig {
  const problems: string[] = [];
  const values = collect(problems, () => parseEnv(GATEWAY_ENV_SCHEMA, env));
  const storage = collect(problems, () => storageConfigFromEnv(env));
  const webhookAllowlist = collect(problems, () => loadWebhookAllowlist(env));
  const database = collect(problems, () => databaseConfigFromEnv(env));
  const memory = collect(problems, () => memoryConfigFromEnv(env));
  if (problems.length > 0 || !values || !storage || !webhookAllowlist || !database || !memory) throw new EnvConfigError(problems);

  const localHost = values.HOST === '0.0.0.0' || values.HOST === '::' ? 'localhost' : values.HOST;
  return {
    port: values.PORT,
    host: values.HOST,
    redisUrl: values.REDIS_URL,
    queuePrefix: values.PERTOUCH_QUEUE_PREFIX,
    maxUploadBytes: values.PERTOUCH_MAX_UPLOAD_BYTES,
    maxJsonBytes: values.PERTOUCH_MAX_JSON_BYTES,
    maxPixels: values.PERTOUCH_MAX_PIXELS,
    publicUrl: (values.PERTOUCH_PUBLIC_URL ?? `http://${localHost}:${values.PORT}`).replace(/\/+$/, ''),
    resultRedirect: values.PERTOUCH_RESULT_REDIRECT,
    resultUrlTtlSeconds: values.PERTOUCH_RESULT_URL_TTL_SECONDS,
    webhookAllowlist,
    shutdownTimeoutMs: values.PERTOUCH_SHUTDOWN_TIMEOUT_MS,
    database,
    storage,
    memory,
  };
}
