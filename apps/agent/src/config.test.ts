import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const DATABASE_URL = 'postgres://agent:s3cret@db.internal:5432/pertouch';

describe('loadConfig', () => {
  it('needs only DATABASE_URL and applies the documented defaults', () => {
    expect(loadConfig({ DATABASE_URL })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'pertouch',
      concurrency: 16,
      lockDurationMs: 60_000,
      stalledIntervalMs: 30_000,
      maxStalledCount: 3,
      shutdownTimeoutMs: 30_000,
      webhookConcurrency: 16,
      webhookTimeoutMs: 10_000,
      webhookAllowlist: { hosts: [], hostSuffixes: [], ranges: [] },
      publicUrl: undefined,
      database: { url: DATABASE_URL, poolSize: 10 },
      storage: { kind: 'fs' },
      maxRounds: 3,
      vlm: undefined,
      memory: { backend: 'postgres', url: DATABASE_URL },
    });
  });

  it('reads the rounds, the VLM that parses instructions and the scene memory’s store', () => {
    const config = loadConfig({ DATABASE_URL, AGENT_MAX_ROUNDS: '5', PERTOUCH_VLM_URL: 'http://vlm.internal:8000/v1', PERTOUCH_VLM_MODEL: 'qwen2.5-vl', PERTOUCH_MEMORY: 'embedded' });
    expect(config).toMatchObject({ maxRounds: 5, vlm: { model: 'qwen2.5-vl' }, memory: { backend: 'embedded' } });
  });

  it('reads the allowlist, the public URL (without a trailing slash) and the queue settings', () => {
    const config = loadConfig({
      DATABASE_URL,
      PERTOUCH_QUEUE_PREFIX: 'prod',
      AGENT_CONCURRENCY: '4',
      WEBHOOK_TIMEOUT_MS: '2500',
      PERTOUCH_PUBLIC_URL: 'https://api.example.com/',
      PERTOUCH_WEBHOOK_ALLOWLIST: '127.0.0.1, hooks.internal',
    });
    expect(config).toMatchObject({ queuePrefix: 'prod', concurrency: 4, webhookTimeoutMs: 2500, publicUrl: 'https://api.example.com' });
    expect(config.webhookAllowlist.hosts).toEqual(['hooks.internal']);
    expect(config.webhookAllowlist.ranges).toHaveLength(1);
  });

  it('lists every problem of every part at once, without the database URL or secrets', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://root:s3cret@x/y', AGENT_CONCURRENCY: 'many', AGENT_MAX_ROUNDS: '0', PERTOUCH_VLM_URL: 'http://vlm.internal/v1', PERTOUCH_MEMORY: 'redis', PERTOUCH_WEBHOOK_ALLOWLIST: 'not a host!', S3_SECRET_ACCESS_KEY: 'hunter2' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as InstanceType<typeof ConfigError>).problems.join('\n');
    for (const name of ['DATABASE_URL', 'AGENT_CONCURRENCY', 'AGENT_MAX_ROUNDS', 'PERTOUCH_VLM_MODEL', 'PERTOUCH_MEMORY', 'PERTOUCH_WEBHOOK_ALLOWLIST', 'S3_ACCESS_KEY_ID']) expect(problems).toContain(name);
    expect(problems).not.toMatch(/s3cret|hunter2/);
  });
});
