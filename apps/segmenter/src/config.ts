import { SEGMENT_ENGINES, envVar, parseEnv, type SegmentEngine } from '@pertouch/contracts';
import { DEFAULT_MAX_PIXELS } from './decode.js';

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
  readonly s3: {
    readonly endpoint: string | undefined;
    readonly region: string;
    readonly bucket: string;
    readonly forcePathStyle: boolean;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  };
}

/** Every environment variable the segmenter reads, with its validation and default (README: same table). */
export const ENV_SCHEMA = {
  REDIS_URL: envVar.urlOr('redis://127.0.0.1:6379', ['redis', 'rediss']),
  SEGMENTER_QUEUE_PREFIX: envVar.stringOr('bull', { pattern: /^[A-Za-z0-9_-]{1,64}$/, hint: 'must be 1–64 of [A-Za-z0-9_-]' }),
  SEGMENTER_CONCURRENCY: envVar.int(1, 1, 64),
  SEGMENTER_ENGINE: envVar.oneOf(SEGMENT_ENGINES, 'embedded'),
  SEGMENTER_CACHE: envVar.bool(true),
  SEGMENTER_LOCK_DURATION_MS: envVar.int(120_000, 5_000, 3_600_000),
  SEGMENTER_SHUTDOWN_TIMEOUT_MS: envVar.int(60_000, 0, 3_600_000),
  PERTOUCH_MAX_PIXELS: envVar.int(DEFAULT_MAX_PIXELS, 1, 2 ** 31 - 1),
  S3_ENDPOINT: envVar.url(['http', 'https']),
  S3_REGION: envVar.stringOr('us-east-1', { pattern: /^[a-z0-9-]{1,64}$/, hint: 'must be a region name such as us-east-1' }),
  S3_BUCKET: envVar.required({ pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, hint: 'must be a valid S3 bucket name' }),
  S3_FORCE_PATH_STYLE: envVar.bool(false),
  S3_ACCESS_KEY_ID: envVar.string(),
  S3_SECRET_ACCESS_KEY: envVar.string(),
};

/**
 * Validates the environment; throws one ConfigError listing every bad variable
 * (`NAME: problem (got "value")`, secrets never shown).
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): SegmenterConfig {
  const e = parseEnv(ENV_SCHEMA, env, (v) =>
    (v.S3_ACCESS_KEY_ID === undefined) === (v.S3_SECRET_ACCESS_KEY === undefined)
      ? []
      : [[v.S3_ACCESS_KEY_ID === undefined ? 'S3_ACCESS_KEY_ID' : 'S3_SECRET_ACCESS_KEY', 'set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the default AWS credential chain)']],
  );
  return {
    redisUrl: e.REDIS_URL,
    queuePrefix: e.SEGMENTER_QUEUE_PREFIX,
    concurrency: e.SEGMENTER_CONCURRENCY,
    defaultEngine: e.SEGMENTER_ENGINE,
    maxPixels: e.PERTOUCH_MAX_PIXELS,
    cache: e.SEGMENTER_CACHE,
    lockDurationMs: e.SEGMENTER_LOCK_DURATION_MS,
    shutdownTimeoutMs: e.SEGMENTER_SHUTDOWN_TIMEOUT_MS,
    s3: {
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      bucket: e.S3_BUCKET,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      credentials:
        e.S3_ACCESS_KEY_ID !== undefined && e.S3_SECRET_ACCESS_KEY !== undefined ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : undefined,
    },
  };
}
