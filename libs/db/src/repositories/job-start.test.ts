import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../ports.js';
import { createScratchDatabase, type ScratchDatabase } from '../scratch.js';
import { newJob, seedImage, seedTenant } from '../test.fixtures.js';

let scratch: ScratchDatabase;
let db: Database;
beforeAll(async () => {
  // Enough connections for ten starts to really run at once.
  scratch = await createScratchDatabase(undefined, { poolSize: 12 });
  db = scratch.db;
});
afterAll(() => scratch?.drop());

async function queuedJobs(tenantId: string, count: number): Promise<string[]> {
  const image = await seedImage(db, tenantId);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await db.jobs.create(newJob(tenantId, image.id))).job.id);
  return ids;
}

describe('jobs.start', () => {
  it('starts, resumes, says busy at the limit and gone for finished or unknown jobs', async () => {
    const tenant = await seedTenant(db);
    const [a, b, c] = await queuedJobs(tenant.id, 3);

    const started = await db.jobs.start(tenant.id, a, 1);
    expect(started.kind).toBe('started');
    expect(started.kind === 'started' && started.job).toMatchObject({ id: a, state: 'running', startedAt: expect.any(Date) });

    const resumed = await db.jobs.start(tenant.id, a, 1);
    expect(resumed.kind === 'resumed' && resumed.job.id).toBe(a);

    expect(await db.jobs.start(tenant.id, b, 1)).toEqual({ kind: 'busy' });
    expect((await db.jobs.get(tenant.id, b))!.state).toBe('queued');

    await db.jobs.transition(tenant.id, a, ['running'], 'succeeded');
    expect((await db.jobs.start(tenant.id, b, 1)).kind).toBe('started');

    const gone = await db.jobs.start(tenant.id, a, 5);
    expect(gone.kind === 'gone' && gone.job?.state).toBe('succeeded');
    await db.jobs.transition(tenant.id, c, ['queued'], 'cancelled');
    expect((await db.jobs.start(tenant.id, c, 5)).kind).toBe('gone');
    expect(await db.jobs.start(tenant.id, 'job_unknown', 5)).toEqual({ kind: 'gone' });
    expect(await db.jobs.start('another-tenant', b, 5)).toEqual({ kind: 'gone' });
  });

  it('counts running jobs per tenant', async () => {
    const busy = await seedTenant(db);
    const idle = await seedTenant(db);
    const [busyJob] = await queuedJobs(busy.id, 1);
    const [idleJob] = await queuedJobs(idle.id, 1);
    expect((await db.jobs.start(busy.id, busyJob, 1)).kind).toBe('started');
    expect((await db.jobs.start(idle.id, idleJob, 1)).kind).toBe('started');
  });

  it('starts exactly maxRunning of 10 concurrent starts', async () => {
    const tenant = await seedTenant(db);
    const ids = await queuedJobs(tenant.id, 10);
    const outcomes = await Promise.all(ids.map((id) => db.jobs.start(tenant.id, id, 3)));
    const kinds = outcomes.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'started')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'busy')).toHaveLength(7);
    expect((await db.jobs.listQueued(tenant.id, 100)).length).toBe(7);
  });

  it('stays exact when jobs finish and start concurrently', async () => {
    const tenant = await seedTenant(db);
    const ids = await queuedJobs(tenant.id, 12);
    const first = await Promise.all(ids.slice(0, 4).map((id) => db.jobs.start(tenant.id, id, 2)));
    const running = first.filter((o) => o.kind === 'started').map((o) => (o.kind === 'started' ? o.job.id : ''));
    expect(running).toHaveLength(2);
    // Finish one while eight more try to start: at most one slot frees up.
    const [, ...rest] = await Promise.all([db.jobs.transition(tenant.id, running[0], ['running'], 'succeeded'), ...ids.slice(4).map((id) => db.jobs.start(tenant.id, id, 2))]);
    const startedNow = rest.filter((o) => o.kind === 'started').length;
    expect(startedNow).toBeLessThanOrEqual(1);
    const states = await Promise.all(ids.map(async (id) => (await db.jobs.get(tenant.id, id))!.state));
    expect(states.filter((s) => s === 'running')).toHaveLength(1 + startedNow);
  });
});
