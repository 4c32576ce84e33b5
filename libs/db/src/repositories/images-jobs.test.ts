import { newId } from '@pertouch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidJobTransitionError } from '../errors.js';
import type { Database, ImageRecord, TenantRecord } from '../ports.js';
import { createScratchDatabase, type ScratchDatabase } from '../scratch.js';
import { newJob, seedImage, seedTenant } from '../test.fixtures.js';

let scratch: ScratchDatabase;
let db: Database;
let tenant: TenantRecord;
let image: ImageRecord;
beforeAll(async () => {
  scratch = await createScratchDatabase(undefined, { poolSize: 8 });
  db = scratch.db;
  tenant = await seedTenant(db);
  image = await seedImage(db, tenant.id);
});
afterAll(() => scratch?.drop());

describe('images', () => {
  it('round-trips a record and tells which ids exist', async () => {
    expect(await db.images.get(tenant.id, image.id)).toEqual(image);
    expect(image.bytes).toBe(123_456);
    expect(await db.images.get(tenant.id, newId('image'))).toBeUndefined();
    const other = await seedImage(db, tenant.id);
    const unknown = newId('image');
    expect(await db.images.existing(tenant.id, [image.id, unknown, other.id])).toEqual(new Set([image.id, other.id]));
    expect(await db.images.existing(tenant.id, [])).toEqual(new Set());
  });
});

describe('jobs.create', () => {
  it('creates a queued job with the request as JSON', async () => {
    const request = { map: { regions: [{ label: 'sky', values: { brightness: 0.3 } }] }, userId: 'u-1' };
    const outcome = await db.jobs.create(newJob(tenant.id, image.id, { request, userId: 'u-1', webhookUrl: 'https://example.com/hook' }));
    expect(outcome.kind).toBe('created');
    expect(outcome.job).toMatchObject({
      tenantId: tenant.id,
      imageId: image.id,
      batchId: null,
      userId: 'u-1',
      request,
      state: 'queued',
      stage: 'queued',
      progress: 0,
      errorCode: null,
      resultKey: null,
      idempotencyKey: null,
      webhookUrl: 'https://example.com/hook',
      startedAt: null,
      finishedAt: null,
    });
    expect(outcome.job.createdAt).toBeInstanceOf(Date);
    expect(await db.jobs.get(tenant.id, outcome.job.id)).toEqual(outcome.job);
  });

  it('replays the same key and request, and reports a conflict for another request', async () => {
    const first = await db.jobs.create(newJob(tenant.id, image.id, { idempotencyKey: 'key-1', requestHash: 'hash-a' }));
    const again = await db.jobs.create(newJob(tenant.id, image.id, { idempotencyKey: 'key-1', requestHash: 'hash-a' }));
    const other = await db.jobs.create(newJob(tenant.id, image.id, { idempotencyKey: 'key-1', requestHash: 'hash-b' }));
    expect(first.kind).toBe('created');
    expect(again).toEqual({ kind: 'replayed', job: first.job });
    expect(other).toEqual({ kind: 'conflict', job: first.job });
    await expect(db.jobs.create(newJob(tenant.id, image.id, { idempotencyKey: 'key-2' }))).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('keeps idempotency keys per tenant', async () => {
    const otherTenant = await seedTenant(db);
    const otherImage = await seedImage(db, otherTenant.id);
    await db.jobs.create(newJob(tenant.id, image.id, { idempotencyKey: 'shared-key', requestHash: 'h' }));
    const theirs = await db.jobs.create(newJob(otherTenant.id, otherImage.id, { idempotencyKey: 'shared-key', requestHash: 'h' }));
    expect(theirs.kind).toBe('created');
  });

  it('creates exactly one job for concurrent creates with one key', async () => {
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => db.jobs.create(newJob(tenant.id, image.id, { idempotencyKey: 'race', requestHash: 'same' }))));
    const created = outcomes.filter((o) => o.kind === 'created');
    expect(created).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'replayed')).toHaveLength(7);
    expect(new Set(outcomes.map((o) => o.job.id))).toEqual(new Set([created[0].job.id]));
  });

  it('refuses an image of another tenant (composite foreign key)', async () => {
    const otherTenant = await seedTenant(db);
    await expect(db.jobs.create(newJob(otherTenant.id, image.id))).rejects.toMatchObject({ code: '23503' });
  });
});

describe('jobs.transition', () => {
  it('moves along the state machine and stamps the times', async () => {
    const { job } = await db.jobs.create(newJob(tenant.id, image.id));
    const running = await db.jobs.transition(tenant.id, job.id, ['queued'], 'running', { stage: 'segment', progress: 0.1 });
    expect(running).toMatchObject({ state: 'running', stage: 'segment', progress: 0.1, finishedAt: null });
    expect(running!.startedAt).toBeInstanceOf(Date);
    expect(running!.updatedAt.getTime()).toBeGreaterThanOrEqual(job.updatedAt.getTime());

    const done = await db.jobs.transition(tenant.id, job.id, ['running'], 'succeeded', {
      stage: 'done',
      progress: 1.0000001,
      resultKey: 'tenants/x/result.jpg',
      resultFormat: 'jpeg',
      resultWidth: 640,
      resultHeight: 480,
      resultBytes: 5_000_000_000,
    });
    expect(done).toMatchObject({ state: 'succeeded', progress: 1, resultBytes: 5_000_000_000, resultWidth: 640, startedAt: running!.startedAt });
    expect(done!.finishedAt).toBeInstanceOf(Date);
  });

  it('is a compare-and-set: undefined when the job is in none of the given states', async () => {
    const { job } = await db.jobs.create(newJob(tenant.id, image.id));
    expect(await db.jobs.transition(tenant.id, job.id, ['running'], 'succeeded')).toBeUndefined();
    expect((await db.jobs.get(tenant.id, job.id))!.state).toBe('queued');
    const cancelled = await db.jobs.transition(tenant.id, job.id, ['queued', 'running'], 'cancelled');
    expect(cancelled).toMatchObject({ state: 'cancelled', startedAt: null });
    expect(await db.jobs.transition(tenant.id, job.id, ['queued', 'running'], 'failed', { errorCode: 'render_failed' })).toBeUndefined();
    expect(await db.jobs.transition(tenant.id, newId('job'), ['queued'], 'running')).toBeUndefined();
  });

  it('lets exactly one of concurrent transitions win', async () => {
    const { job } = await db.jobs.create(newJob(tenant.id, image.id));
    const results = await Promise.all([
      db.jobs.transition(tenant.id, job.id, ['queued'], 'cancelled'),
      db.jobs.transition(tenant.id, job.id, ['queued'], 'failed', { errorCode: 'internal_error', errorMessage: 'boom' }),
      db.jobs.transition(tenant.id, job.id, ['queued'], 'running'),
    ]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('throws on transitions outside JOB_TRANSITIONS, without touching the row', async () => {
    const { job } = await db.jobs.create(newJob(tenant.id, image.id));
    await expect(db.jobs.transition(tenant.id, job.id, ['queued'], 'succeeded')).rejects.toBeInstanceOf(InvalidJobTransitionError);
    await expect(db.jobs.transition(tenant.id, job.id, ['succeeded'], 'running')).rejects.toBeInstanceOf(InvalidJobTransitionError);
    await expect(db.jobs.transition(tenant.id, job.id, [], 'running')).rejects.toBeInstanceOf(InvalidJobTransitionError);
    expect((await db.jobs.get(tenant.id, job.id))!.state).toBe('queued');
  });

  it('sets null patch fields to null and leaves absent ones alone', async () => {
    const { job } = await db.jobs.create(newJob(tenant.id, image.id));
    await db.jobs.transition(tenant.id, job.id, ['queued'], 'running', { errorCode: 'transient', errorMessage: 'retrying' });
    const failed = await db.jobs.transition(tenant.id, job.id, ['running'], 'failed', { errorCode: 'render_failed', errorMessage: null });
    expect(failed).toMatchObject({ errorCode: 'render_failed', errorMessage: null, stage: 'queued' });
  });
});

describe('jobs: progress, rounds and listings', () => {
  it('sets progress of running jobs only, clamped to [0, 1]', async () => {
    const { job } = await db.jobs.create(newJob(tenant.id, image.id));
    await db.jobs.setProgress(tenant.id, job.id, 'segment', 0.5);
    expect((await db.jobs.get(tenant.id, job.id))!.progress).toBe(0);
    await db.jobs.transition(tenant.id, job.id, ['queued'], 'running');
    await db.jobs.setProgress(tenant.id, job.id, 'render', 1.7);
    expect(await db.jobs.get(tenant.id, job.id)).toMatchObject({ stage: 'render', progress: 1 });
    await db.jobs.setProgress(tenant.id, job.id, 'analyse', -0.2);
    expect(await db.jobs.get(tenant.id, job.id)).toMatchObject({ stage: 'analyse', progress: 0 });
    await db.jobs.setProgress(tenant.id, job.id, 'plan', 0.3);
    expect((await db.jobs.get(tenant.id, job.id))!.progress).toBe(0.3);
  });

  it('saves rounds idempotently and lists them in order', async () => {
    const { job } = await db.jobs.create(newJob(tenant.id, image.id));
    const map = [{ id: 1, values: { brightness: 0.2 } }];
    const r2 = await db.jobs.saveRound({ jobId: job.id, n: 2, map, report: null, imageKey: null, verdict: null });
    expect(r2).toEqual({ jobId: job.id, n: 2, map, report: null, imageKey: null, verdict: null, createdAt: expect.any(Date) });
    await db.jobs.saveRound({ jobId: job.id, n: 1, map: { global: { contrast: 0 } }, report: { regions: [] }, imageKey: 'k1', verdict: { satisfied: false, reason: 'too dark' } });
    const again = await db.jobs.saveRound({ jobId: job.id, n: 2, map, report: { ok: true }, imageKey: 'k2', verdict: { satisfied: true, reason: 'fine' } });
    expect(again.createdAt).toEqual(r2.createdAt);

    const rounds = await db.jobs.rounds(job.id);
    expect(rounds.map((r) => [r.n, r.imageKey, r.verdict?.satisfied])).toEqual([
      [1, 'k1', false],
      [2, 'k2', true],
    ]);
    expect(rounds[0].report).toEqual({ regions: [] });
    expect(await db.jobs.rounds(job.id, tenant.id)).toHaveLength(2);
    expect(await db.jobs.rounds(job.id, 'another-tenant')).toEqual([]);
  });

  it('counts jobs created since a time and lists queued ones oldest first', async () => {
    const fresh = await seedTenant(db);
    const img = await seedImage(db, fresh.id);
    const before = new Date(Date.now() - 1000);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await db.jobs.create(newJob(fresh.id, img.id))).job.id);
    await db.jobs.transition(fresh.id, ids[1], ['queued'], 'running');
    expect(await db.jobs.countCreatedSince(fresh.id, before)).toBe(4);
    expect(await db.jobs.countCreatedSince(fresh.id, new Date(Date.now() + 60_000))).toBe(0);
    expect((await db.jobs.listQueued(fresh.id, 10)).map((j) => j.id)).toEqual([ids[0], ids[2], ids[3]]);
    expect((await db.jobs.listQueued(fresh.id, 2)).map((j) => j.id)).toEqual([ids[0], ids[2]]);
  });
});
