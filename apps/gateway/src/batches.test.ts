/** POST /v1/batches and GET /v1/batches/{id} against the real app. */
import { QUEUE_NAMES, type BatchView, type ImageView } from '@pertouch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoders } from './testing/images.js';
import { problemOf, startHarness, type Harness, type TenantKey } from './testing/harness.js';

let h: Harness;
let t: TenantKey;
let images: ImageView[];

beforeAll(async () => {
  h = await startHarness();
  t = await h.tenant();
  images = [];
  for (let i = 0; i < 3; i++) images.push((await (await h.api('/v1/images', { key: t.key, method: 'POST', body: await encoders.jpeg() })).json()) as ImageView);
});
afterAll(async () => {
  await h?.close();
});

function createBatch(body: unknown, key = t.key): Promise<Response> {
  return h.api('/v1/batches', { key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('batches', () => {
  it('creates the batch and one queued job per image, each enqueued on agent', async () => {
    const response = await createBatch({ imageIds: images.map((i) => i.id), map: { regions: [{ label: 'sky', values: { brightness: 0.3 } }] }, userId: 'u-7' });
    expect(response.status).toBe(202);
    const batch = (await response.json()) as BatchView;
    expect(batch).toMatchObject({ object: 'batch', state: 'running', total: 3, progress: 0, counts: { queued: 3, running: 0, succeeded: 0, failed: 0, cancelled: 0 }, completedAt: null });
    expect(batch.jobIds).toHaveLength(3);

    const agent = h.queue(QUEUE_NAMES.agent);
    for (const [i, jobId] of batch.jobIds.entries()) {
      const queued = await agent.getJob(jobId);
      expect(queued?.data).toEqual({ tenantId: t.tenantId, jobId });
      const job = await (await h.api(`/v1/jobs/${jobId}`, { key: t.key })).json();
      expect(job).toMatchObject({ batchId: batch.id, imageId: images[i].id, userId: 'u-7', state: 'queued' });
    }

    // Progress follows the jobs: one succeeds, one is cancelled.
    await h.db.jobs.start(t.tenantId, batch.jobIds[0], 10);
    await h.db.jobs.transition(t.tenantId, batch.jobIds[0], ['running'], 'succeeded', { stage: 'done', progress: 1 });
    await h.api(`/v1/jobs/${batch.jobIds[1]}/cancel`, { key: t.key, method: 'POST' });
    const read = (await (await h.api(`/v1/batches/${batch.id}`, { key: t.key })).json()) as BatchView;
    expect(read.counts).toEqual({ queued: 1, running: 0, succeeded: 1, failed: 0, cancelled: 1 });
    expect(read.progress).toBeCloseTo(2 / 3);
    expect(read.state).toBe('running');

    // The last one cancelled completes the batch.
    await h.api(`/v1/jobs/${batch.jobIds[2]}/cancel`, { key: t.key, method: 'POST' });
    const done = (await (await h.api(`/v1/batches/${batch.id}`, { key: t.key })).json()) as BatchView;
    expect(done).toMatchObject({ state: 'completed', progress: 1 });
    expect(done.completedAt).not.toBeNull();
  });

  it('404 listing every image the tenant does not have, and nothing created', async () => {
    const missing = ['img_00000000000000000000000000', 'img_11111111111111111111111111'];
    const response = await createBatch({ imageIds: [images[0].id, ...missing], auto: true });
    expect(response.status).toBe(404);
    const problem = await problemOf(response);
    expect(problem.code).toBe('not_found');
    expect(problem.missingImageIds).toEqual(missing);
    expect(problem.errors?.map((e) => e.path)).toEqual(['imageIds.1', 'imageIds.2']);
    for (const id of missing) expect(problem.detail).toContain(id);
  });

  it('validates the body like a job (exactly one edit, at least one image)', async () => {
    expect((await problemOf(await createBatch({ imageIds: [], auto: true }))).code).toBe('validation_failed');
    expect((await problemOf(await createBatch({ imageIds: [images[0].id] }))).code).toBe('validation_failed');
    expect((await problemOf(await createBatch({ imageIds: ['nope'], auto: true }))).code).toBe('validation_failed');
  });

  it('counts every image against the daily quota', async () => {
    const small = await h.tenant({ dailyJobQuota: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(((await (await h.api('/v1/images', { key: small.key, method: 'POST', body: await encoders.png() })).json()) as ImageView).id);
    const response = await createBatch({ imageIds: ids, auto: true }, small.key);
    expect(response.status).toBe(429);
    expect((await problemOf(response)).code).toBe('quota_exceeded');
  });
});
