import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_SCHEMA, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('needs nothing and applies documented defaults (objects in a local directory)', () => {
    expect(loadConfig({})).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'pertouch',
      concurrency: 1,
      defaultEngine: 'embedded',
      maxPixels: 110_000_000,
      cache: true,
      lockDurationMs: 120_000,
      shutdownTimeoutMs: 60_000,
      storage: { kind: 'fs', dir: './data/objects' },
    });
  });

  it('uses S3 when S3_BUCKET is set, as before PERTOUCH_STORAGE existed', () => {
    expect(loadConfig({ S3_BUCKET: 'photos' }).storage).toEqual({
      kind: 's3',
      s3: { endpoint: undefined, region: 'us-east-1', bucket: 'photos', forcePathStyle: false, credentials: undefined },
    });
    expect(loadConfig({ PERTOUCH_STORAGE: 'fs', PERTOUCH_STORAGE_DIR: '/srv/objects', S3_BUCKET: 'photos' }).storage).toEqual({ kind: 'fs', dir: '/srv/objects' });
  });

  it('reads every knob', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://redis.internal:6380/2',
      PERTOUCH_QUEUE_PREFIX: '{pertouch}',
      SEGMENTER_CONCURRENCY: '2',
      SEGMENTER_ENGINE: 'sam',
      SEGMENTER_CACHE: 'false',
      SEGMENTER_LOCK_DURATION_MS: '30000',
      SEGMENTER_SHUTDOWN_TIMEOUT_MS: '0',
      PERTOUCH_MAX_PIXELS: '1000000',
      S3_ENDPOINT: 'http://127.0.0.1:4568',
      S3_REGION: 'eu-west-1',
      S3_BUCKET: 'photos',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      PERTOUCH_STORAGE: 's3',
    });
    expect(config).toMatchObject({
      redisUrl: 'redis://redis.internal:6380/2',
      queuePrefix: '{pertouch}',
      concurrency: 2,
      defaultEngine: 'sam',
      cache: false,
      lockDurationMs: 30_000,
      shutdownTimeoutMs: 0,
      maxPixels: 1_000_000,
      storage: {
        kind: 's3',
        s3: { endpoint: 'http://127.0.0.1:4568', region: 'eu-west-1', bucket: 'photos', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } },
      },
    });
  });

  it('lists every bad variable in one error, without secret values', () => {
    let error: unknown;
    try {
      loadConfig({
        REDIS_URL: 'http://nope',
        SEGMENTER_CONCURRENCY: '0',
        SEGMENTER_ENGINE: 'magic',
        PERTOUCH_MAX_PIXELS: 'lots',
        S3_FORCE_PATH_STYLE: 'perhaps',
        S3_ENDPOINT: 'not a url',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]).sort();
    expect(names).toEqual(['PERTOUCH_MAX_PIXELS', 'REDIS_URL', 'S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'SEGMENTER_CONCURRENCY', 'SEGMENTER_ENGINE']);
    expect((error as Error).message).toMatch(/SEGMENTER_CONCURRENCY: must be at least 1 \(got "0"\)/);

    expect(() => loadConfig({ PERTOUCH_STORAGE: 's3' })).toThrow(/S3_BUCKET: is required when PERTOUCH_STORAGE=s3/);
    expect(() => loadConfig({ PERTOUCH_STORAGE: 'disk' })).toThrow(/PERTOUCH_STORAGE: must be fs or s3/);

    expect(() => loadConfig({ S3_BUCKET: 'photos', S3_SECRET_ACCESS_KEY: 'hunter2' })).toThrow(/S3_ACCESS_KEY_ID: set both/);
    try {
      loadConfig({ S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: '' });
    } catch (e) {
      expect((e as Error).message).toMatch(/S3_SECRET_ACCESS_KEY: set both/);
    }
  });

  it('documents each variable in the README', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(ENV_SCHEMA)) expect(readme).toContain(`\`${name}\``);
  });
});
