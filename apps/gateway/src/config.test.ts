import { EnvConfigError } from '@pertouch/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PIXELS, DEFAULT_MAX_UPLOAD_BYTES, loadConfig } from './config.js';

const DATABASE_URL = 'postgres://pertouch:secret@db:5432/pertouch';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({ DATABASE_URL });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'pertouch',
      maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
      maxPixels: DEFAULT_MAX_PIXELS,
      publicUrl: 'http://localhost:8080',
      resultRedirect: true,
      shutdownTimeoutMs: 25_000,
      storage: { kind: 'fs', dir: './data/objects' },
      database: { url: DATABASE_URL },
    });
    expect(DEFAULT_MAX_UPLOAD_BYTES).toBe(100 * 1024 * 1024);
    expect(DEFAULT_MAX_PIXELS).toBe(110_000_000);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      DATABASE_URL,
      PORT: '9000',
      HOST: '127.0.0.1',
      REDIS_URL: 'rediss://cache:6380',
      PERTOUCH_QUEUE_PREFIX: 'prod',
      PERTOUCH_MAX_UPLOAD_BYTES: '1048576',
      PERTOUCH_MAX_PIXELS: '1000000',
      PERTOUCH_PUBLIC_URL: 'https://api.example.com/',
      PERTOUCH_RESULT_REDIRECT: 'false',
      PERTOUCH_WEBHOOK_ALLOWLIST: 'hooks.internal, 10.0.0.0/8',
      PERTOUCH_SHUTDOWN_TIMEOUT_MS: '5000',
      S3_BUCKET: 'pertouch-objects',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      redisUrl: 'rediss://cache:6380',
      queuePrefix: 'prod',
      maxUploadBytes: 1_048_576,
      maxPixels: 1_000_000,
      publicUrl: 'https://api.example.com',
      resultRedirect: false,
      shutdownTimeoutMs: 5000,
      storage: { kind: 's3', s3: { bucket: 'pertouch-objects' } },
    });
    expect(config.webhookAllowlist.hosts).toEqual(['hooks.internal']);
    expect(config.webhookAllowlist.ranges).toHaveLength(1);
  });

  it('reports every bad variable at once, never quoting a secret', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        REDIS_URL: 'http://cache',
        PERTOUCH_MAX_UPLOAD_BYTES: '0',
        PERTOUCH_RESULT_REDIRECT: 'maybe',
        PERTOUCH_WEBHOOK_ALLOWLIST: 'not a host!',
        PERTOUCH_STORAGE: 's3',
        S3_SECRET_ACCESS_KEY: 'hunter2',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvConfigError);
    const problems = (error as EnvConfigError).problems.join('\n');
    for (const name of ['PORT', 'REDIS_URL', 'PERTOUCH_MAX_UPLOAD_BYTES', 'PERTOUCH_RESULT_REDIRECT', 'PERTOUCH_WEBHOOK_ALLOWLIST', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'DATABASE_URL']) {
      expect(problems).toContain(name);
    }
    expect(problems).not.toContain('hunter2');
  });
});
