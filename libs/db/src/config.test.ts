import { EnvConfigError } from '@pertouch/contracts';
import { describe, expect, it } from 'vitest';
import { databaseConfigFromEnv } from './config.js';

describe('databaseConfigFromEnv', () => {
  it('reads the URL and defaults the rest', () => {
    expect(databaseConfigFromEnv({ DATABASE_URL: 'postgres://u@h:5432/d' })).toEqual({ url: 'postgres://u@h:5432/d', poolSize: 10, statementTimeoutMs: 30_000 });
    expect(databaseConfigFromEnv({ DATABASE_URL: 'postgresql://h/d', DATABASE_POOL_SIZE: '3', DATABASE_STATEMENT_TIMEOUT_MS: '0' })).toEqual({
      url: 'postgresql://h/d',
      poolSize: 3,
      statementTimeoutMs: 0,
    });
  });

  it('lists every problem at once, without showing the URL (it holds the password)', () => {
    let thrown: unknown;
    try {
      databaseConfigFromEnv({ DATABASE_URL: 'redis://:s3cret@h', DATABASE_POOL_SIZE: 'many', DATABASE_STATEMENT_TIMEOUT_MS: '-1' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvConfigError);
    const problems = (thrown as EnvConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect(problems.join('\n')).not.toContain('s3cret');
    expect(() => databaseConfigFromEnv({ DATABASE_URL: '  ' })).toThrow(/DATABASE_URL: is required/);
  });
});
