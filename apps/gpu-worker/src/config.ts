import { availableParallelism } from 'node:os';
import { EnvConfigError, envVar, parseEnv } from '@pertouch/contracts';
import { DEFAULT_MAX_PIXELS } from '@pertouch/image-io';
import { storageConfigFromEnv, type StorageConfig } from '@pertouch/storage';

export { EnvConfigError as ConfigError } from '@pertouch/contracts';

/** The gpu-worker's configuration, read once from the environment at start-up (README: env vars). */
export interface GpuWorkerConfig {
  readonly redisUrl: string;
  /** BullMQ key prefix; must match the agent's. */
  readonly queuePrefix: string;
  readonly concurrency: number;
  readonly maxPixels: number;
  /** Threads for the full-resolution passes of images of 2 MP and more. */
  readonly threads: number;
  /** A calibration table JSON to use instead of the built-in one. */
  readonly calibrationPath: string | undefined;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  readonly shutdownTimeoutMs: number;
  readonly storage: StorageConfig;
}

/** The gpu-worker's own variables; the storage variables are libs/storage's (README: the whole table). */
export const ENV_SCHEMA = {
  REDIS_URL: envVar.urlOr('redis://127.0.0.1:6379', ['redis', 'rediss']),
  PERTOUCH_QUEUE_PREFIX: envVar.queuePrefix(),
  GPU_WORKER_CONCURRENCY: envVar.int(1, 1, 16),
  GPU_WORKER_LOCK_DURATION_MS: envVar.int(300_000, 5_000, 3_600_000),
  GPU_WORKER_STALLED_INTERVAL_MS: envVar.int(30_000, 1_000, 3_600_000),
  GPU_WORKER_MAX_STALLED_COUNT: envVar.int(2, 0, 100),
  GPU_WORKER_SHUTDOWN_TIMEOUT_MS: envVar.int(120_000, 0, 3_600_000),
  PERTOUCH_MAX_PIXELS: envVar.int(DEFAULT_MAX_PIXELS, 1, 2 ** 31 - 1),
  PERTOUCH_THREADS: envVar.int(0, 0, 256),
  PERTOUCH_CALIBRATION: envVar.string(),
};

/** Validates the environment; throws one ConfigError listing every bad variable (secrets never shown). */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): GpuWorkerConfig {
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
  const e = attempt(() => parseEnv(ENV_SCHEMA, env));
  const storage = attempt(() => storageConfigFromEnv(env));
  if (problems.length > 0 || !e || !storage) throw new EnvConfigError(problems);
  return {
    redisUrl: e.REDIS_URL,
    queuePrefix: e.PERTOUCH_QUEUE_PREFIX,
    concurrency: e.GPU_WORKER_CONCURRENCY,
    maxPixels: e.PERTOUCH_MAX_PIXELS,
    threads: e.PERTOUCH_THREADS === 0 ? availableParallelism() : e.PERTOUCH_THREADS,
    calibrationPath: e.PERTOUCH_CALIBRATION,
    lockDurationMs: e.GPU_WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: e.GPU_WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: e.GPU_WORKER_MAX_STALLED_COUNT,
    shutdownTimeoutMs: e.GPU_WORKER_SHUTDOWN_TIMEOUT_MS,
    storage,
  };
}
