import { describe, expect, it } from 'vitest';
import { EnvConfigError, envVar, parseEnv } from './index.js';

const shape = {
  COUNT: envVar.int(2, 1, 8),
  FLAG: envVar.bool(false),
  URL: envVar.urlOr('redis://localhost:6379', ['redis', 'rediss']),
  MODE: envVar.oneOf(['a', 'b'] as const, 'a'),
  NAME: envVar.required({ pattern: /^[a-z]+$/, hint: 'lower-case letters' }),
  OPTIONAL: envVar.string(),
  API_SECRET: envVar.required({ pattern: /^[a-z]+$/ }),
};

describe('parseEnv', () => {
  it('applies defaults, treating blank as unset', () => {
    expect(parseEnv(shape, { NAME: 'x', COUNT: ' ', API_SECRET: 'k' })).toEqual({
      COUNT: 2,
      FLAG: false,
      URL: 'redis://localhost:6379',
      MODE: 'a',
      NAME: 'x',
      OPTIONAL: undefined,
      API_SECRET: 'k',
    });
  });

  it('parses values', () => {
    const values = parseEnv(shape, { COUNT: '8', FLAG: 'TRUE', URL: 'rediss://h:1', MODE: 'b', NAME: 'abc', OPTIONAL: ' v ', API_SECRET: 'k' });
    expect(values).toMatchObject({ COUNT: 8, FLAG: true, URL: 'rediss://h:1', MODE: 'b', OPTIONAL: 'v' });
  });

  it('lists every bad variable at once and never shows a secret', () => {
    let error: unknown;
    try {
      parseEnv(shape, { COUNT: '0', FLAG: 'maybe', URL: 'http://x', MODE: 'c', API_SECRET: 'NOT-OK' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvConfigError);
    const problems = (error as EnvConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['API_SECRET', 'COUNT', 'FLAG', 'MODE', 'NAME', 'URL']);
    expect(problems.find((p) => p.startsWith('COUNT'))).toMatch(/at least 1.*"0"/);
    expect(problems.find((p) => p.startsWith('NAME'))).toMatch(/required/);
    expect((error as Error).message).not.toContain('NOT-OK');
  });

  it('adds cross-variable problems', () => {
    expect(() => parseEnv(shape, { NAME: 'x', API_SECRET: 'k' }, (v) => (v.FLAG ? [] : [['FLAG', 'must be on']]))).toThrow(/FLAG: must be on/);
  });

  it('rejects non-integers', () => {
    expect(() => parseEnv(shape, { NAME: 'x', API_SECRET: 'k', COUNT: '2.5' })).toThrow(/COUNT: must be an integer from 1 to 8/);
  });
});
