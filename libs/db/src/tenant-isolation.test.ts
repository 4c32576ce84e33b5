/**
 * design.md §7: tenants never see each other's images, jobs, batches or webhooks. Tenant
 * B asks for each of tenant A's ids (as if it had guessed them) and gets nothing.
 */
import { newId } from '@pertouch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchRecord, Database, ImageRecord, JobRecord, TenantRecord, WebhookDeliveryRecord, WebhookEndpointRecord } from './ports.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch.js';
import { newJob, seedImage, seedTenant } from './test.fixtures.js';

let scratch: ScratchDatabase;
let db: Database;
let a: TenantRecord;
let b: TenantRecord;
let image: ImageRecord;
let job: JobRecord;
let batch: BatchRecord;
let endpoint: WebhookEndpointRecord;
let delivery: WebhookDeliveryRecord;

beforeAll(async () => {
  scratch = await createScratchDatabase();
  db = scratch.db;
  a = await seedTenant(db);
  b = await seedTenant(db);
  await seedImage(db, b.id); // b has rows of its own, so empty answers are not just an empty database
  image = await seedImage(db, a.id);
  job = (await db.jobs.create(newJob(a.id, image.id))).job;
  batch = (await db.batches.create({ id: newId('batch'), tenantId: a.id, request: {}, total: 1, webhookUrl: null }, [newJob(a.id, image.id)])).batch;
  endpoint = await db.webhookEndpoints.create({ id: newId('webhookEndpoint'), tenantId: a.id, url: 'https://a.example/hook', events: ['job.succeeded'], description: null, secret: 'whsec_a' });
  delivery = await db.webhookDeliveries.create({ id: newId('webhookDelivery'), tenantId: a.id, endpointId: endpoint.id, url: endpoint.url, eventType: 'job.succeeded', payload: {} });
});
afterAll(() => scratch?.drop());

describe('tenant isolation', () => {
  it('tenant A sees its own rows (the ids below are real)', async () => {
    expect(await db.images.get(a.id, image.id)).toBeDefined();
    expect(await db.jobs.get(a.id, job.id)).toBeDefined();
    expect(await db.batches.get(a.id, batch.id)).toBeDefined();
    expect(await db.webhookEndpoints.get(a.id, endpoint.id)).toBeDefined();
    expect(await db.webhookDeliveries.get(a.id, delivery.id)).toBeDefined();
  });

  it('tenant B gets undefined for every one of A’s ids', async () => {
    expect(await db.images.get(b.id, image.id)).toBeUndefined();
    expect(await db.images.existing(b.id, [image.id])).toEqual(new Set());
    expect(await db.jobs.get(b.id, job.id)).toBeUndefined();
    expect(await db.batches.get(b.id, batch.id)).toBeUndefined();
    expect(await db.webhookEndpoints.get(b.id, endpoint.id)).toBeUndefined();
    expect(await db.webhookDeliveries.get(b.id, delivery.id)).toBeUndefined();
    expect(await db.jobs.listByBatch(b.id, batch.id)).toEqual([]);
    expect(await db.jobs.countByBatch(b.id, batch.id)).toEqual({ queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 });
    expect(await db.jobs.listQueued(b.id, 100)).toEqual([]);
    expect(await db.webhookEndpoints.list(b.id)).toEqual([]);
    expect(await db.webhookEndpoints.forEvent(b.id, 'job.succeeded')).toEqual([]);
    expect(await db.webhookDeliveries.list(b.id)).toEqual([]);
  });

  it('tenant B cannot change any of A’s rows', async () => {
    expect(await db.jobs.transition(b.id, job.id, ['queued'], 'cancelled')).toBeUndefined();
    expect(await db.jobs.start(b.id, job.id, 10)).toEqual({ kind: 'gone' });
    await db.jobs.setProgress(b.id, job.id, 'render', 0.9);
    expect(await db.batches.completeIfDone(b.id, batch.id)).toBe(false);
    expect(await db.webhookEndpoints.delete(b.id, endpoint.id)).toBe(false);
    await expect(db.webhookDeliveries.recordAttempt(b.id, delivery.id, { status: 200, error: null, delivered: true, final: false })).rejects.toThrow();
    expect(await db.jobs.get(a.id, job.id)).toEqual(job);
    expect(await db.webhookEndpoints.get(a.id, endpoint.id)).toEqual(endpoint);
    expect(await db.webhookDeliveries.get(a.id, delivery.id)).toEqual(delivery);
  });

  it('tenant B cannot reference A’s image, batch or endpoint from its own rows', async () => {
    await expect(db.jobs.create(newJob(b.id, image.id))).rejects.toMatchObject({ code: '23503' });
    const bImage = await seedImage(db, b.id);
    await expect(db.jobs.create(newJob(b.id, bImage.id, { batchId: batch.id }))).rejects.toMatchObject({ code: '23503' });
    await expect(
      db.webhookDeliveries.create({ id: newId('webhookDelivery'), tenantId: b.id, endpointId: endpoint.id, url: 'https://b.example', eventType: 'job.succeeded', payload: {} }),
    ).rejects.toMatchObject({ code: '23503' });
  });
});
