import { newId } from '@pertouch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordNotFoundError } from '../errors.js';
import type { Database, TenantRecord } from '../ports.js';
import { createScratchDatabase, type ScratchDatabase } from '../scratch.js';
import { seedTenant } from '../test.fixtures.js';

let scratch: ScratchDatabase;
let db: Database;
let tenant: TenantRecord;
beforeAll(async () => {
  scratch = await createScratchDatabase();
  db = scratch.db;
  tenant = await seedTenant(db);
});
afterAll(() => scratch?.drop());

const endpoint = (events: string[], url = 'https://example.com/hooks') => ({ id: newId('webhookEndpoint'), tenantId: tenant.id, url, events, description: null, secret: 'whsec_s' });

describe('webhook endpoints', () => {
  it('creates, lists, finds by event and deletes', async () => {
    const jobs = await db.webhookEndpoints.create({ ...endpoint(['job.succeeded', 'job.failed']), description: 'jobs only' });
    const all = await db.webhookEndpoints.create(endpoint(['job.succeeded', 'job.failed', 'job.cancelled', 'batch.completed']));
    expect(jobs).toMatchObject({ events: ['job.succeeded', 'job.failed'], description: 'jobs only', createdAt: expect.any(Date) });
    expect(await db.webhookEndpoints.get(tenant.id, jobs.id)).toEqual(jobs);
    expect((await db.webhookEndpoints.list(tenant.id)).map((e) => e.id)).toEqual([jobs.id, all.id]);
    expect((await db.webhookEndpoints.forEvent(tenant.id, 'job.failed')).map((e) => e.id)).toEqual([jobs.id, all.id]);
    expect((await db.webhookEndpoints.forEvent(tenant.id, 'batch.completed')).map((e) => e.id)).toEqual([all.id]);

    expect(await db.webhookEndpoints.delete(tenant.id, jobs.id)).toBe(true);
    expect(await db.webhookEndpoints.delete(tenant.id, jobs.id)).toBe(false);
    expect(await db.webhookEndpoints.get(tenant.id, jobs.id)).toBeUndefined();
  });
});

describe('webhook deliveries', () => {
  const payload = { type: 'job.succeeded', timestamp: '2026-01-01T00:00:00Z', data: { id: 'job_x', tags: ['a', 'b'] } };

  it('logs attempts until delivered', async () => {
    const target = await db.webhookEndpoints.create(endpoint(['job.succeeded']));
    const created = await db.webhookDeliveries.create({ id: newId('webhookDelivery'), tenantId: tenant.id, endpointId: target.id, url: target.url, eventType: 'job.succeeded', payload });
    expect(created).toMatchObject({ state: 'pending', attempts: 0, lastStatus: null, lastError: null, deliveredAt: null, payload });

    const failedOnce = await db.webhookDeliveries.recordAttempt(tenant.id, created.id, { status: 503, error: 'Service Unavailable', delivered: false, final: false });
    expect(failedOnce).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 503, lastError: 'Service Unavailable' });
    const delivered = await db.webhookDeliveries.recordAttempt(tenant.id, created.id, { status: 200, error: null, delivered: true, final: false });
    expect(delivered).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 200, lastError: null, deliveredAt: expect.any(Date) });
    // A late, re-delivered attempt cannot undo the success.
    const late = await db.webhookDeliveries.recordAttempt(tenant.id, created.id, { status: null, error: 'timeout', delivered: false, final: true });
    expect(late).toMatchObject({ state: 'delivered', attempts: 3, deliveredAt: delivered.deliveredAt });
  });

  it('marks a final failure failed', async () => {
    const created = await db.webhookDeliveries.create({ id: newId('webhookDelivery'), tenantId: tenant.id, endpointId: null, url: 'https://example.com/job-hook', eventType: 'job.failed', payload });
    const failed = await db.webhookDeliveries.recordAttempt(tenant.id, created.id, { status: null, error: 'ECONNREFUSED', delivered: false, final: true });
    expect(failed).toMatchObject({ state: 'failed', attempts: 1, lastStatus: null, lastError: 'ECONNREFUSED', deliveredAt: null });
    await expect(db.webhookDeliveries.recordAttempt(tenant.id, newId('webhookDelivery'), { status: 200, error: null, delivered: true, final: false })).rejects.toBeInstanceOf(
      RecordNotFoundError,
    );
  });

  it('keeps deliveries when their endpoint is deleted', async () => {
    const target = await db.webhookEndpoints.create(endpoint(['job.cancelled']));
    const created = await db.webhookDeliveries.create({ id: newId('webhookDelivery'), tenantId: tenant.id, endpointId: target.id, url: target.url, eventType: 'job.cancelled', payload });
    await db.webhookEndpoints.delete(tenant.id, target.id);
    expect(await db.webhookDeliveries.get(tenant.id, created.id)).toMatchObject({ endpointId: null, tenantId: tenant.id, url: target.url });
  });

  it('lists newest first, by event type, with a limit', async () => {
    const fresh = await seedTenant(db);
    const ids: string[] = [];
    for (const eventType of ['job.succeeded', 'job.failed', 'job.succeeded']) {
      ids.push((await db.webhookDeliveries.create({ id: newId('webhookDelivery'), tenantId: fresh.id, endpointId: null, url: 'https://example.com/h', eventType, payload })).id);
    }
    expect((await db.webhookDeliveries.list(fresh.id)).map((d) => d.id)).toEqual([...ids].reverse());
    expect((await db.webhookDeliveries.list(fresh.id, { eventType: 'job.succeeded' })).map((d) => d.id)).toEqual([ids[2], ids[0]]);
    expect((await db.webhookDeliveries.list(fresh.id, { limit: 1 })).map((d) => d.id)).toEqual([ids[2]]);
  });
});
