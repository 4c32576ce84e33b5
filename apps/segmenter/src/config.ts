import { SEGMENT_ENGINES, envVar, parseEnv, type SegmentEngine } from '@pertouch/contracts';
import { DEFAULT_MAX_PIXELS } from '@pertouch/image-io';
import { STORAGE_ENV_SCHEMA, storageConfigOf, storageEnvProblems, type StorageConfig } from '@pertouch/storage';

export { EnvConfigError as ConfigError } from '@pertouch/contracts';

/** The segmenter's configuration, read once from the environment at start-up (README: env vars). */
export interface SegmenterConfig {
  readonly redisUrl: string;
  /** BullMQ key prefix (namespaces all queue keys in Redis). */
  readonly queuePrefix: string;
  readonly concurrency: number;
  readonly defaultEngine: SegmentEngine;
  readonly maxPixels: number;
  /** false: always segment (outputs are still written); for benchmarks and engine debugging. */
  readonly cache: boolean;
  readonly lockDurationMs: number;
  readonly shutdownTimeoutMs: number;
  /** Where images and results live (@pertouch/storage: a directory, or S3). */
  readonly storage: StorageConfig;
}

/** Every environment variable the segmenter reads, with its validation and default (README: same table). */
export const ENV_SCHEMA = {
  REDIS_URL: envVar.urlOr('redis://127.0.0.1:6379', ['redis', 'rediss']),
  PERTOUCH_QUEUE_PREFIX: envVar.queuePrefix(),
  SEGMENTER_CONCURRENCY: envVar.int(1, 1, 64),
  SEGMENTER_ENGINE: envVar.oneOf(SEGMENT_ENGINES, 'embedded'),
  SEGMENTER_CACHE: envVar.bool(true),
  SEGMENTER_LOCK_DURATION_MS: envVar.int(120_000, 5_000, 3_600_000),
  SEGMENTER_SHUTDOWN_TIMEOUT_MS: envVar.int(60_000, 0, 3_600_000),
  PERTOUCH_MAX_PIXELS: envVar.int(DEFAULT_MAX_PIXELS, 1, 2 ** 31 - 1),
  // PERTOUCH_STORAGE, PERTOUCH_STORAGE_DIR and the S3_* variables, shared with every service.
  ...STORAGE_ENV_SCHEMA,
};

/**
 * Validates the environment; throws one ConfigError listing every bad variable
 * (`NAME: problem (got "value")`, secrets never shown).
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): SegmenterConfig {
  const e = parseEnv(ENV_SCHEMA, env, storageEnvProblems);
  return {
    redisUrl: e.REDIS_URL,
    queuePrefix: e.PERTOUCH_QUEUE_PREFIX,
    concurrency: e.SEGMENTER_CONCURRENCY,
    defaultEngine: e.SEGMENTER_ENGINE,
    maxPixels: e.PERTOUCH_MAX_PIXELS,
    cache: e.SEGMENTER_CACHE,
    lockDurationMs: e.SEGMENTER_LOCK_DURATION_MS,
    shutdownTimeoutMs: e.SEGMENTER_SHUTDOWN_TIMEOUT_MS,
    storage: storageConfigOf(e),
  };
}
