import { createHash, randomBytes } from 'node:crypto';
import { newId } from '@pertouch/contracts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../scratch.js';
import { seedTenant } from '../test.fixtures.js';

let scratch: ScratchDatabase;
beforeAll(async () => {
  scratch = await createScratchDatabase();
});
afterAll(() => scratch?.drop());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function backdateLastUsed(keyId: string, seconds: number): Promise<void> {
  const client = new pg.Client(scratch.url);
  await client.connect();
  await client.query(`UPDATE api_keys SET last_used_at = now() - make_interval(secs => $2) WHERE id = $1`, [keyId, seconds]);
  await client.end();
}

describe('tenants', () => {
  it('creates with the schema defaults, gets and lists', async () => {
    const { db } = scratch;
    const created = await db.tenants.create({ id: 'acme', name: 'Acme', webhookSecret: 'whsec_abc' });
    expect(created).toEqual({ id: 'acme', name: 'Acme', rateLimitPerMinute: 600, maxRunningJobs: 4, dailyJobQuota: null, webhookSecret: 'whsec_abc', createdAt: expect.any(Date) });
    const custom = await db.tenants.create({ id: 'bigco', name: 'BigCo', rateLimitPerMinute: 60, maxRunningJobs: 1, dailyJobQuota: 500, webhookSecret: 'whsec_def' });
    expect(custom).toMatchObject({ rateLimitPerMinute: 60, maxRunningJobs: 1, dailyJobQuota: 500 });
    expect(await db.tenants.get('acme')).toEqual(created);
    expect(await db.tenants.get('nobody')).toBeUndefined();
    expect((await db.tenants.list()).map((t) => t.id)).toEqual(expect.arrayContaining(['acme', 'bigco']));
    await expect(db.tenants.create({ id: 'acme', name: 'again', webhookSecret: 'x' })).rejects.toMatchObject({ code: '23505' });
  });
});

describe('api keys', () => {
  it('finds an active key by hash with its tenant, never a revoked one', async () => {
    const { db } = scratch;
    const tenant = await seedTenant(db);
    const secret = `pt_live_${randomBytes(24).toString('hex')}`;
    const key = await db.apiKeys.create({ id: newId('apiKey'), tenantId: tenant.id, name: 'ci', prefix: secret.slice(0, 12), keyHash: sha256(secret), scopes: ['jobs:read', 'jobs:write'] });
    expect(key).toMatchObject({ tenantId: tenant.id, scopes: ['jobs:read', 'jobs:write'], lastUsedAt: null, revokedAt: null });

    const found = await db.apiKeys.findActiveByHash(sha256(secret));
    expect(found?.key.id).toBe(key.id);
    expect(found?.key.scopes).toEqual(['jobs:read', 'jobs:write']);
    expect(found?.tenant).toEqual(tenant);
    expect(found?.key.lastUsedAt).toBeInstanceOf(Date);
    expect(await db.apiKeys.findActiveByHash(sha256('pt_live_wrong'))).toBeUndefined();

    expect(await db.apiKeys.revoke('some-other-tenant', key.id)).toBe(false);
    expect(await db.apiKeys.revoke(tenant.id, key.id)).toBe(true);
    expect(await db.apiKeys.revoke(tenant.id, key.id)).toBe(false);
    expect(await db.apiKeys.findActiveByHash(sha256(secret))).toBeUndefined();
    const [listed] = await db.apiKeys.list(tenant.id);
    expect(listed.revokedAt).toBeInstanceOf(Date);
    expect(listed).not.toHaveProperty('keyHash');
  });

  it('bumps last_used_at at most once a minute', async () => {
    const { db } = scratch;
    const tenant = await seedTenant(db);
    const key = await db.apiKeys.create({ id: newId('apiKey'), tenantId: tenant.id, name: 'k', prefix: 'pt_live_x', keyHash: sha256('k2'), scopes: ['images:read'] });

    const first = (await db.apiKeys.findActiveByHash(sha256('k2')))!.key.lastUsedAt!;
    const second = (await db.apiKeys.findActiveByHash(sha256('k2')))!.key.lastUsedAt!;
    expect(second.getTime()).toBe(first.getTime());

    await backdateLastUsed(key.id, 61);
    const stale = (await db.apiKeys.list(tenant.id))[0].lastUsedAt!;
    const bumped = (await db.apiKeys.findActiveByHash(sha256('k2')))!.key.lastUsedAt!;
    expect(bumped.getTime()).toBeGreaterThan(stale.getTime() + 60_000);
    expect((await db.apiKeys.list(tenant.id))[0].lastUsedAt).toEqual(bumped);
  });

  it('lists only the tenant’s own keys', async () => {
    const { db } = scratch;
    const a = await seedTenant(db);
    const b = await seedTenant(db);
    await db.apiKeys.create({ id: newId('apiKey'), tenantId: a.id, name: 'a', prefix: 'p', keyHash: sha256('a-key'), scopes: [] });
    expect((await db.apiKeys.list(a.id)).map((k) => k.name)).toEqual(['a']);
    expect(await db.apiKeys.list(b.id)).toEqual([]);
  });
});
