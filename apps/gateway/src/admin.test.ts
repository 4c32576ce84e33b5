/**
 * pertouch-admin against a scratch database, and the keys it makes against the running
 * gateway: a created key authenticates, a revoked one gets the same 401 as no key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from './admin/cli.js';
import { API_KEY_PATTERN, hashApiKey } from './auth/api-keys.js';
import { problemOf, startHarness, type Harness } from './testing/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function admin(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runAdmin(argv, { env: { DATABASE_URL: h.databaseUrl }, out: (text) => (out += `${text}\n`), err: (text) => (err += `${text}\n`) });
  return { status, out, err };
}

describe('pertouch-admin', () => {
  it('creates a tenant and a key that works against the API, and revokes it', async () => {
    const tenant = await admin('tenant', 'create', 'acme-photos', '--name', 'Acme Photos', '--rate-limit', '120', '--max-running', '3', '--json');
    expect(tenant.status).toBe(0);
    expect(JSON.parse(tenant.out)).toMatchObject({ id: 'acme-photos', name: 'Acme Photos', rateLimitPerMinute: 120, maxRunningJobs: 3 });
    const stored = await h.db.tenants.get('acme-photos');
    expect(stored?.webhookSecret).toMatch(/^whsec_/);
    // Shown once, for verifying webhooks sent to a job's own webhookUrl.
    expect(JSON.parse(tenant.out).webhookSecret).toBe(stored?.webhookSecret);

    const created = await admin('key', 'create', 'acme-photos', '--name', 'ci', '--scopes', 'images:read,jobs:read', '--json');
    expect(created.status).toBe(0);
    const key = JSON.parse(created.out) as { id: string; key: string; prefix: string; scopes: string[]; tenantId: string };
    expect(key.key).toMatch(API_KEY_PATTERN);
    expect(key.key.startsWith(key.prefix)).toBe(true);
    expect(key.scopes).toEqual(['images:read', 'jobs:read']);
    // Only the hash is stored: looking it up by hash finds it, the key appears nowhere in the row.
    const found = await h.db.apiKeys.findActiveByHash(hashApiKey(key.key));
    expect(found?.key.id).toBe(key.id);
    expect(JSON.stringify(await h.db.apiKeys.list('acme-photos'))).not.toContain(key.key);

    const ok = await h.api('/v1/images/img_00000000000000000000000000', { key: key.key });
    expect(ok.status).toBe(404);
    expect(ok.headers.get('ratelimit-limit')).toBe('120');
    const noScope = await h.api('/v1/webhook-endpoints', { key: key.key });
    expect((await problemOf(noScope)).code).toBe('forbidden_scope');

    const revoked = await admin('key', 'revoke', 'acme-photos', key.id);
    expect(revoked.status).toBe(0);
    expect(revoked.out).toContain(key.id);
    const after = await h.api('/v1/images/img_00000000000000000000000000', { key: key.key });
    expect(after.status).toBe(401);
    expect((await problemOf(after)).code).toBe('unauthenticated');
  });

  it('prints the key once in text mode, with every scope by default', async () => {
    await admin('tenant', 'create', 'plain-tenant');
    const created = await admin('key', 'create', 'plain-tenant');
    expect(created.status).toBe(0);
    const lines = created.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(API_KEY_PATTERN);
    expect(lines[0]).toContain('images:write, images:read, jobs:write, jobs:read, webhooks:manage');
  });

  it('one-line errors and exit 2 for every mistake', async () => {
    const cases: string[][] = [
      ['tenant', 'create', 'acme-photos'], // exists
      ['tenant', 'create', 'Bad_Id'],
      ['tenant', 'create', 'x', '--rate-limit', 'many'],
      ['key', 'create', 'no-such-tenant'],
      ['key', 'create', 'acme-photos', '--scopes', 'images:read,root'],
      ['key', 'revoke', 'acme-photos', 'key_00000000000000000000000000'],
      ['key', 'revoke', 'acme-photos'],
      ['frobnicate'],
      ['tenant', 'create', 'y', '--colour', 'blue'],
      [],
    ];
    for (const argv of cases) {
      const result = await admin(...argv);
      expect(result.status, argv.join(' ')).toBe(2);
      if (argv.length > 0) {
        expect(result.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
        expect(result.err).toMatch(/^pertouch-admin: /);
      }
    }
    const noDb = await runAdmin(['migrate'], { env: {}, out: () => {}, err: (text) => expect(text).toMatch(/^pertouch-admin: DATABASE_URL/) });
    expect(noDb).toBe(2);
  });

  it('migrate: nothing left to apply on a migrated database', async () => {
    const result = await admin('migrate', '--json');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ applied: [] });
  });
});
