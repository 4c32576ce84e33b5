import { EnvConfigError } from '@pertouch/contracts';
import { describe, expect, it } from 'vitest';
import { memoryConfigFromEnv } from './config.js';

function problems(env: Record<string, string>): readonly string[] {
  try {
    memoryConfigFromEnv(env);
  } catch (error) {
    if (error instanceof EnvConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('memoryConfigFromEnv', () => {
  it('uses Postgres when DATABASE_URL is set and the embedded store otherwise', () => {
    expect(memoryConfigFromEnv({ DATABASE_URL: 'postgres://u@h/d' })).toEqual({ backend: 'postgres', url: 'postgres://u@h/d', poolSize: 4, efSearch: 100 });
    expect(memoryConfigFromEnv({})).toEqual({ backend: 'embedded', efSearch: 100 });
    expect(memoryConfigFromEnv({ DATABASE_URL: 'postgres://u@h/d', PERTOUCH_MEMORY: 'embedded', PERTOUCH_MEMORY_DIR: '/var/lib/m', PERTOUCH_MEMORY_EF_SEARCH: '200' })).toEqual({
      backend: 'embedded',
      dataDir: '/var/lib/m',
      efSearch: 200,
    });
  });

  it('lists every problem at once and never shows the database URL', () => {
    expect(problems({ PERTOUCH_MEMORY: 'postgres' })).toEqual(['DATABASE_URL: is required when PERTOUCH_MEMORY=postgres']);
    const found = problems({ PERTOUCH_MEMORY: 'sqlite', PERTOUCH_MEMORY_EF_SEARCH: '0' });
    expect(found).toHaveLength(2);
    expect(found.join('\n')).toMatch(/PERTOUCH_MEMORY: must be one of postgres, embedded/);
    const url = problems({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(url).toEqual(['DATABASE_URL: must be a postgres:// or postgresql:// URL']);
  });
});
