import { envVar, parseEnv, type EnvValues } from '@pertouch/contracts';
import type { S3ObjectStoreOptions } from './s3-object-store.js';

export const STORAGE_KINDS = ['fs', 's3'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

/** Where objects live: a local directory (embedded) or an S3 bucket. */
export type StorageConfig =
  | { readonly kind: 'fs'; readonly dir: string }
  | { readonly kind: 's3'; readonly s3: S3ObjectStoreOptions };

export const DEFAULT_STORAGE_DIR = './data/objects';

/**
 * The storage variables, for services to spread into their own env schema (so one
 * start-up error lists every bad variable); README: same table.
 */
export const STORAGE_ENV_SCHEMA = {
  PERTOUCH_STORAGE: envVar.string({ pattern: /^(fs|s3)$/, hint: 'must be fs or s3' }),
  PERTOUCH_STORAGE_DIR: envVar.stringOr(DEFAULT_STORAGE_DIR),
  S3_ENDPOINT: envVar.url(['http', 'https']),
  S3_REGION: envVar.stringOr('us-east-1', { pattern: /^[a-z0-9-]{1,64}$/, hint: 'must be a region name such as us-east-1' }),
  S3_BUCKET: envVar.string({ pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, hint: 'must be a valid S3 bucket name' }),
  S3_FORCE_PATH_STYLE: envVar.bool(false),
  S3_ACCESS_KEY_ID: envVar.string(),
  S3_SECRET_ACCESS_KEY: envVar.string(),
};

export type StorageEnv = EnvValues<typeof STORAGE_ENV_SCHEMA>;

/**
 * `PERTOUCH_STORAGE` when set; otherwise `s3` if `S3_BUCKET` is set (a deployment
 * configured for S3 before the variable existed keeps using S3 rather than silently
 * writing to a local directory), else `fs`.
 */
export function storageKindOf(env: StorageEnv): StorageKind {
  if (env.PERTOUCH_STORAGE !== undefined) return env.PERTOUCH_STORAGE as StorageKind;
  return env.S3_BUCKET !== undefined ? 's3' : 'fs';
}

/** Cross-variable problems, as parseEnv's `check` wants them. */
export function storageEnvProblems(env: StorageEnv): [string, string][] {
  const problems: [string, string][] = [];
  if (storageKindOf(env) === 's3' && env.S3_BUCKET === undefined) problems.push(['S3_BUCKET', 'is required when PERTOUCH_STORAGE=s3']);
  if ((env.S3_ACCESS_KEY_ID === undefined) !== (env.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push([
      env.S3_ACCESS_KEY_ID === undefined ? 'S3_ACCESS_KEY_ID' : 'S3_SECRET_ACCESS_KEY',
      'set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the default AWS credential chain)',
    ]);
  }
  return problems;
}

/** The StorageConfig of already-validated variables (call storageEnvProblems first). */
export function storageConfigOf(env: StorageEnv): StorageConfig {
  if (storageKindOf(env) === 'fs') return { kind: 'fs', dir: env.PERTOUCH_STORAGE_DIR };
  if (env.S3_BUCKET === undefined) throw new Error('internal: S3 storage without S3_BUCKET (validate with storageEnvProblems first)');
  return {
    kind: 's3',
    s3: {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      bucket: env.S3_BUCKET,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      credentials:
        env.S3_ACCESS_KEY_ID !== undefined && env.S3_SECRET_ACCESS_KEY !== undefined
          ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
          : undefined,
    },
  };
}

/**
 * Reads and validates the storage variables; throws one EnvConfigError listing every
 * bad one (secret values never shown).
 */
export function storageConfigFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): StorageConfig {
  return storageConfigOf(parseEnv(STORAGE_ENV_SCHEMA, env, storageEnvProblems));
}
