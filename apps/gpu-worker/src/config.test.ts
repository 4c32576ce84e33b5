import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('runs with no variables at all: local Redis, prefix pertouch, one job at a time, fs storage', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'pertouch',
      concurrency: 1,
      maxPixels: 110_000_000,
      calibrationPath: undefined,
      lockDurationMs: 300_000,
      stalledIntervalMs: 30_000,
      maxStalledCount: 2,
      shutdownTimeoutMs: 120_000,
      storage: { kind: 'fs', dir: './data/objects' },
    });
    expect(config.threads).toBeGreaterThanOrEqual(1);
  });

  it('reads every knob', () => {
    const config = loadConfig({
      REDIS_URL: 'rediss://redis.internal:6380/1',
      PERTOUCH_QUEUE_PREFIX: 'staging',
      GPU_WORKER_CONCURRENCY: '2',
      GPU_WORKER_LOCK_DURATION_MS: '60000',
      GPU_WORKER_STALLED_INTERVAL_MS: '5000',
      GPU_WORKER_MAX_STALLED_COUNT: '0',
      GPU_WORKER_SHUTDOWN_TIMEOUT_MS: '0',
      PERTOUCH_MAX_PIXELS: '1000000',
      PERTOUCH_THREADS: '3',
      PERTOUCH_CALIBRATION: '/etc/pertouch/table.json',
      S3_BUCKET: 'photos',
    });
    expect(config).toMatchObject({
      redisUrl: 'rediss://redis.internal:6380/1',
      queuePrefix: 'staging',
      concurrency: 2,
      lockDurationMs: 60_000,
      stalledIntervalMs: 5_000,
      maxStalledCount: 0,
      shutdownTimeoutMs: 0,
      maxPixels: 1_000_000,
      threads: 3,
      calibrationPath: '/etc/pertouch/table.json',
      storage: { kind: 's3', s3: { bucket: 'photos' } },
    });
  });

  it('lists every bad variable at once, never echoing a secret', () => {
    let error: unknown;
    try {
      loadConfig({ GPU_WORKER_CONCURRENCY: '0', PERTOUCH_QUEUE_PREFIX: 'a:b', REDIS_URL: 'http://x', S3_SECRET_ACCESS_KEY: 'hunter2', PERTOUCH_STORAGE: 's3' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as InstanceType<typeof ConfigError>).problems.join('\n');
    for (const name of ['GPU_WORKER_CONCURRENCY', 'PERTOUCH_QUEUE_PREFIX', 'REDIS_URL', 'S3_BUCKET', 'S3_ACCESS_KEY_ID']) expect(problems).toContain(name);
    expect(problems).not.toContain('hunter2');
  });
});
