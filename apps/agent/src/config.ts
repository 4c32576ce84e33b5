import { EnvConfigError, envVar, parseEnv } from '@pertouch/contracts';
import { databaseConfigFromEnv, type DatabaseConfig } from '@pertouch/db';
import { vlmConfigFromEnv, type VlmConfig } from '@pertouch/instructions';
import { memoryConfigFromEnv, type MemoryConfig } from '@pertouch/memory';
import { storageConfigFromEnv, type StorageConfig } from '@pertouch/storage';
import { loadWebhookAllowlist, type WebhookAllowlist } from '@pertouch/webhooks';

export { EnvConfigError as ConfigError } from '@pertouch/contracts';

/** The agent's configuration, read once from the environment at start-up (README: env vars). */
export interface AgentConfig {
  readonly redisUrl: string;
  /** BullMQ key prefix of every queue; must match the gateway's, the segmenter's and the gpu-worker's. */
  readonly queuePrefix: string;
  /** Agent jobs handled at once. A job waiting for the segmenter or the renderer holds no slot. */
  readonly concurrency: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  readonly shutdownTimeoutMs: number;
  readonly webhookConcurrency: number;
  readonly webhookTimeoutMs: number;
  readonly webhookAllowlist: WebhookAllowlist;
  /** The gateway's public base URL: webhooks link results as `{publicUrl}/v1/jobs/{id}/result`. */
  readonly publicUrl: string | undefined;
  /** Most rounds a strong instruction renders before the agent settles for the best one. */
  readonly maxRounds: number;
  /** The VLM that parses instructions (PERTOUCH_VLM_*); undefined: libs/instructions' rule engine. */
  readonly vlm: VlmConfig | undefined;
  /** The scene memory's store (PERTOUCH_MEMORY, PERTOUCH_MEMORY_*; libs/memory). */
  readonly memory: MemoryConfig;
  readonly database: Required<DatabaseConfig>;
  readonly storage: StorageConfig;
}

/**
 * The agent's own variables. DATABASE_*, the storage variables (PERTOUCH_STORAGE, S3_*),
 * PERTOUCH_WEBHOOK_ALLOWLIST, the VLM's (PERTOUCH_VLM_*) and the memory's (PERTOUCH_MEMORY*)
 * are read by their libraries (README: the whole table).
 */
export const ENV_SCHEMA = {
  REDIS_URL: envVar.urlOr('redis://127.0.0.1:6379', ['redis', 'rediss']),
  PERTOUCH_QUEUE_PREFIX: envVar.queuePrefix(),
  AGENT_CONCURRENCY: envVar.int(16, 1, 256),
  AGENT_LOCK_DURATION_MS: envVar.int(60_000, 5_000, 3_600_000),
  AGENT_STALLED_INTERVAL_MS: envVar.int(30_000, 1_000, 3_600_000),
  AGENT_MAX_STALLED_COUNT: envVar.int(3, 0, 100),
  AGENT_SHUTDOWN_TIMEOUT_MS: envVar.int(30_000, 0, 3_600_000),
  WEBHOOK_CONCURRENCY: envVar.int(16, 1, 256),
  WEBHOOK_TIMEOUT_MS: envVar.int(10_000, 100, 120_000),
  PERTOUCH_PUBLIC_URL: envVar.url(['http', 'https']),
  AGENT_MAX_ROUNDS: envVar.int(3, 1, 10),
};

/**
 * Validates the environment; throws one ConfigError listing every bad variable of every
 * part (secrets and the database URL never shown).
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AgentConfig {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof EnvConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  // Each part validates its own variables; all of them are read so one error lists everything.
  const e = attempt(() => parseEnv(ENV_SCHEMA, env));
  const database = attempt(() => databaseConfigFromEnv(env));
  const storage = attempt(() => storageConfigFromEnv(env));
  const webhookAllowlist = attempt(() => loadWebhookAllowlist(env));
  // `null` marks "read, and not configured", apart from undefined = "failed".
  const vlm = attempt(() => vlmConfigFromEnv(env) ?? null);
  const memory = attempt(() => memoryConfigFromEnv(env));
  if (problems.length > 0 || !e || !database || !storage || !webhookAllowlist || vlm === undefined || !memory) throw new EnvConfigError(problems);
  return {
    redisUrl: e.REDIS_URL,
    queuePrefix: e.PERTOUCH_QUEUE_PREFIX,
    concurrency: e.AGENT_CONCURRENCY,
    lockDurationMs: e.AGENT_LOCK_DURATION_MS,
    stalledIntervalMs: e.AGENT_STALLED_INTERVAL_MS,
    maxStalledCount: e.AGENT_MAX_STALLED_COUNT,
    shutdownTimeoutMs: e.AGENT_SHUTDOWN_TIMEOUT_MS,
    webhookConcurrency: e.WEBHOOK_CONCURRENCY,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookAllowlist,
    publicUrl: e.PERTOUCH_PUBLIC_URL?.replace(/\/+$/, ''),
    maxRounds: e.AGENT_MAX_ROUNDS,
    vlm: vlm ?? undefined,
    memory,
    database,
    storage,
  };
}
