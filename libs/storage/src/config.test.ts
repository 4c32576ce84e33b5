import { EnvConfigError } from '@pertouch/contracts';
import { describe, expect, it } from 'vitest';
import { STORAGE_ENV_SCHEMA, storageConfigFromEnv } from './config.js';
import { createObjectStore } from './create-object-store.js';
import { FsObjectStore } from './fs-object-store.js';
import { S3ObjectStore } from './s3-object-store.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    storageConfigFromEnv(env);
  } catch (error) {
    if (error instanceof EnvConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('storageConfigFromEnv', () => {
  it('defaults to the filesystem under ./data/objects', () => {
    expect(storageConfigFromEnv({})).toEqual({ kind: 'fs', dir: './data/objects' });
    expect(storageConfigFromEnv({ PERTOUCH_STORAGE: 'fs', PERTOUCH_STORAGE_DIR: '/var/lib/pertouch' })).toEqual({ kind: 'fs', dir: '/var/lib/pertouch' });
  });

  it('reads the S3 variables', () => {
    expect(
      storageConfigFromEnv({
        PERTOUCH_STORAGE: 's3',
        S3_ENDPOINT: 'http://127.0.0.1:4568',
        S3_REGION: 'eu-west-1',
        S3_BUCKET: 'photos',
        S3_FORCE_PATH_STYLE: 'true',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: 'secret',
      }),
    ).toEqual({
      kind: 's3',
      s3: { endpoint: 'http://127.0.0.1:4568', region: 'eu-west-1', bucket: 'photos', forcePathStyle: true, credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } },
    });
  });

  it('uses S3 when only S3_BUCKET says so (deployments configured before PERTOUCH_STORAGE existed)', () => {
    expect(storageConfigFromEnv({ S3_BUCKET: 'photos' })).toEqual({
      kind: 's3',
      s3: { endpoint: undefined, region: 'us-east-1', bucket: 'photos', forcePathStyle: false, credentials: undefined },
    });
    // An explicit choice wins.
    expect(storageConfigFromEnv({ PERTOUCH_STORAGE: 'fs', S3_BUCKET: 'photos' })).toEqual({ kind: 'fs', dir: './data/objects' });
  });

  it('lists every bad variable at once, without secret values', () => {
    const problems = problemsOf({ PERTOUCH_STORAGE: 'ftp', S3_ENDPOINT: 'not a url', S3_REGION: 'EU West', S3_BUCKET: 'No_Such', S3_FORCE_PATH_STYLE: 'maybe' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['PERTOUCH_STORAGE', 'S3_BUCKET', 'S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'S3_REGION']);
    expect(problemsOf({ PERTOUCH_STORAGE: 's3' })).toEqual(['S3_BUCKET: is required when PERTOUCH_STORAGE=s3']);
    const half = problemsOf({ S3_BUCKET: 'photos', S3_SECRET_ACCESS_KEY: 'hunter2' });
    expect(half).toHaveLength(1);
    expect(half[0]).toMatch(/^S3_ACCESS_KEY_ID: set both/);
    const other = problemsOf({ S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'id' });
    expect(other[0]).toMatch(/^S3_SECRET_ACCESS_KEY: set both/);
    expect(other.join('\n')).not.toContain('hunter2');
  });
});

describe('createObjectStore', () => {
  it('builds the adapter the config names', async () => {
    const fs = createObjectStore({ kind: 'fs', dir: 'relative/objects' });
    expect(fs).toBeInstanceOf(FsObjectStore);
    expect((fs as FsObjectStore).root).toBe(`${process.cwd()}/relative/objects`);
    const s3 = createObjectStore(storageConfigFromEnv({ S3_BUCKET: 'photos', S3_REGION: 'eu-west-1' }));
    expect(s3).toBeInstanceOf(S3ObjectStore);
    expect((s3 as S3ObjectStore).bucket).toBe('photos');
    expect(await (s3 as S3ObjectStore).client.config.region()).toBe('eu-west-1');
    await s3.close();
  });
});

describe('README', () => {
  it('documents each variable', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(STORAGE_ENV_SCHEMA)) expect(readme).toContain(`\`${name}\``);
  });
});
