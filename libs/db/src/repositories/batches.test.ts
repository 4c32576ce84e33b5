import { newId } from '@pertouch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { Database, TenantRecord } from '../ports.js';
import { createScratchDatabase, type ScratchDatabase } from '../scratch.js';
import { newJob, seedImage, seedTenant } from '../test.fixtures.js';

let scratch: ScratchDatabase;
let db: Database;
let tenant: TenantRecord;
beforeAll(async () => {
  scratch = await createScratchDatabase(undefined, { poolSize: 8 });
  db = scratch.db;
  tenant = await seedTenant(db);
});
afterAll(() => scratch?.drop());

async function createBatch(size: number) {
  const images = await Promise.all(Array.from({ length: size }, () => seedImage(db, tenant.id)));
  const id = newId('batch');
  const request = { auto: true };
  return db.batches.create(
    { id, tenantId: tenant.id, request, total: size, webhookUrl: null },
    images.map((image) => newJob(tenant.id, image.id, { request })),
  );
}

describe('batches', () => {
  it('creates the batch and its jobs together, jobs in the given order', async () => {
    const { batch, jobs } = await createBatch(5);
    expect(batch).toMatchObject({ tenantId: tenant.id, request: { auto: true }, total: 5, state: 'running', completedAt: null });
    expect(jobs.map((j) => j.batchId)).toEqual(Array(5).fill(batch.id));
    expect((await db.jobs.listByBatch(tenant.id, batch.id)).map((j) => j.id).sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(await db.batches.get(tenant.id, batch.id)).toEqual(batch);
    expect(await db.jobs.countByBatch(tenant.id, batch.id)).toEqual({ queued: 5, running: 0, succeeded: 0, failed: 0, cancelled: 0 });
  });

  it('creates a thousand jobs in one go', async () => {
    const { jobs } = await createBatch(1000);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(1000);
  });

  it('leaves nothing behind when one job cannot be inserted', async () => {
    const image = await seedImage(db, tenant.id);
    const id = newId('batch');
    const jobs = [newJob(tenant.id, image.id), newJob(tenant.id, newId('image'))];
    await expect(db.batches.create({ id, tenantId: tenant.id, request: {}, total: 2, webhookUrl: null }, jobs)).rejects.toMatchObject({ code: '23503' });
    expect(await db.batches.get(tenant.id, id)).toBeUndefined();
    expect(await db.jobs.get(tenant.id, jobs[0].id)).toBeUndefined();
  });

  it('refuses jobs of another tenant or batch', async () => {
    const image = await seedImage(db, tenant.id);
    const batch = { id: newId('batch'), tenantId: tenant.id, request: {}, total: 1, webhookUrl: null };
    await expect(db.batches.create(batch, [newJob('someone-else', image.id)])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(db.batches.create(batch, [newJob(tenant.id, image.id, { batchId: newId('batch') })])).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('completes only when no job is queued or running', async () => {
    const { batch, jobs } = await createBatch(3);
    await db.jobs.transition(tenant.id, jobs[0].id, ['queued'], 'running');
    await db.jobs.transition(tenant.id, jobs[0].id, ['running'], 'succeeded');
    await db.jobs.transition(tenant.id, jobs[1].id, ['queued'], 'failed', { errorCode: 'invalid_image' });
    expect(await db.batches.completeIfDone(tenant.id, batch.id)).toBe(false);
    await db.jobs.transition(tenant.id, jobs[2].id, ['queued'], 'running');
    expect(await db.batches.completeIfDone(tenant.id, batch.id)).toBe(false);
    await db.jobs.transition(tenant.id, jobs[2].id, ['running'], 'cancelled');

    expect(await db.batches.completeIfDone('another-tenant', batch.id)).toBe(false);
    expect(await db.batches.completeIfDone(tenant.id, batch.id)).toBe(true);
    expect(await db.batches.completeIfDone(tenant.id, batch.id)).toBe(false);
    expect(await db.batches.get(tenant.id, batch.id)).toMatchObject({ state: 'completed', completedAt: expect.any(Date) });
    expect(await db.jobs.countByBatch(tenant.id, batch.id)).toEqual({ queued: 0, running: 0, succeeded: 1, failed: 1, cancelled: 1 });
  });

  it('answers true to exactly one of many concurrent callers', async () => {
    const { batch, jobs } = await createBatch(6);
    // Every job finishes at once and each finisher asks, as the agent does.
    const answers = await Promise.all(
      jobs.map(async (job) => {
        await db.jobs.transition(tenant.id, job.id, ['queued'], 'failed', { errorCode: 'internal_error' });
        return db.batches.completeIfDone(tenant.id, batch.id);
      }),
    );
    const extra = await Promise.all(Array.from({ length: 6 }, () => db.batches.completeIfDone(tenant.id, batch.id)));
    expect([...answers, ...extra].filter(Boolean)).toHaveLength(1);
    expect((await db.batches.get(tenant.id, batch.id))!.state).toBe('completed');
  });
});
