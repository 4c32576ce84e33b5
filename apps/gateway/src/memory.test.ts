/**
 * Feedback, forgetting and follow-ups against the real app, with libs/memory's in-memory
 * repository as the scene memory. The agent is played by the test: a "succeeded" job is a
 * job row moved to succeeded, one round, and the scene document the agent writes.
 */
import { DEFAULT_AGENT_JOB_OPTIONS, PARENT_JOB_FIELD, jobObjectKeys, newId, objectKeys, type FeedbackResult, type ForgetMemoryResult, type ImageView, type JobSceneDocument, type JobView } from '@pertouch/contracts';
import { InMemoryMemoryRepository } from '@pertouch/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoders } from './testing/images.js';
import { agentJobOf, problemOf, startHarness, type Harness, type TenantKey } from './testing/harness.js';

let h: Harness;
let memory: InMemoryMemoryRepository;
let t: TenantKey;
let other: TenantKey;
let image: ImageView;

const vector = Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0));

beforeAll(async () => {
  memory = new InMemoryMemoryRepository();
  h = await startHarness({ deps: { memory } });
  t = await h.tenant();
  other = await h.tenant();
  image = await upload(t);
});
afterAll(async () => {
  await h?.close();
});

async function upload(tenant: TenantKey): Promise<ImageView> {
  const response = await h.api('/v1/images', { key: tenant.key, method: 'POST', body: await encoders.png() });
  expect(response.status).toBe(201);
  return (await response.json()) as ImageView;
}

const post = (path: string, body: unknown, key = t.key) => h.api(path, { key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** What the agent leaves behind for a job that succeeded: state, one round, the scene document. */
async function succeededJob(tenantId: string, imageId: string, request: Record<string, unknown>, userId: string | null): Promise<string> {
  const id = newId('job');
  await h.db.jobs.create({ id, tenantId, imageId, userId, request });
  await h.db.jobs.start(tenantId, id, 4);
  const key = objectKeys.round(tenantId, imageId, id, 1, 'jpg');
  await h.db.jobs.saveRound({ jobId: id, n: 1, map: { regions: [] }, report: null, imageKey: key, verdict: { satisfied: true, reason: 'test' } });
  await h.db.jobs.transition(tenantId, id, ['running'], 'succeeded', { stage: 'done', progress: 1, resultKey: key, resultFormat: 'jpeg', resultWidth: 64, resultHeight: 48, resultBytes: 10 });
  const scene: JobSceneDocument = {
    format: 1,
    jobId: id,
    scene: { kind: 'test-v1', vector, labels: ['sky', 'vegetation'] },
    regions: [
      { id: 0, label: 'sky' },
      { id: 1, label: 'sky' },
      { id: 2, label: 'vegetation' },
    ],
    round: 1,
    confirmed: { global: { brightness: 0.1, contrast: 0 }, labels: { sky: { brightness: 0.3, temperature: -0.2 }, vegetation: { colorfulness: 0.4 } } },
  };
  await h.store.put(jobObjectKeys.scene(tenantId, imageId, id), Buffer.from(JSON.stringify(scene)), 'application/json');
  return id;
}

describe('POST /v1/jobs/{id}/feedback', () => {
  it('accepted: remembers the result look for the job’s user (what a later estimate finds)', async () => {
    const jobId = await succeededJob(t.tenantId, image.id, { instruction: 'brighten the sky' }, 'ana');
    const response = await post(`/v1/jobs/${jobId}/feedback`, { accepted: true });
    expect(response.status).toBe(200);
    const body = (await response.json()) as FeedbackResult;
    expect(body).toEqual({
      object: 'feedback',
      jobId,
      userId: 'ana',
      accepted: true,
      remembered: true,
      confirmed: { global: { brightness: 0.1, contrast: 0 }, labels: { sky: { brightness: 0.3, temperature: -0.2 }, vegetation: { colorfulness: 0.4 } } },
    });
    expect(await memory.count(t.tenantId, 'ana')).toBe(1);
    const [nearest] = await memory.nearest(t.tenantId, 'ana', { kind: 'test-v1', vector: Float32Array.from(vector) }, 5);
    expect(nearest).toMatchObject({ jobId, distance: expect.closeTo(0, 6), labels: { sky: { brightness: 0.3, temperature: -0.2 } }, global: { brightness: 0.1 } });
    // A second confirmation of the same job replaces the first.
    expect((await post(`/v1/jobs/${jobId}/feedback`, { accepted: true })).status).toBe(200);
    expect(await memory.count(t.tenantId, 'ana')).toBe(1);
  });

  it('accepted with a map: global values first, then regions by label or id replace their label’s', async () => {
    const jobId = await succeededJob(t.tenantId, image.id, { auto: true }, 'cora');
    const response = await post(`/v1/jobs/${jobId}/feedback`, { accepted: true, map: { global: { contrast: 0.2 }, regions: [{ label: 'Sky', values: { brightness: -0.1 } }, { id: 2, values: { colorfulness: 0.6 } }] } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as FeedbackResult).confirmed).toEqual({
      global: { brightness: 0.1, contrast: 0.2 },
      labels: { sky: { brightness: -0.1, temperature: -0.2, contrast: 0.2 }, vegetation: { colorfulness: 0.6, contrast: 0.2 } },
    });
    // A region this scene does not have is refused, and nothing is stored.
    const bad = await post(`/v1/jobs/${jobId}/feedback`, { accepted: true, map: { regions: [{ label: 'car', values: { brightness: 0.2 } }] } });
    const problem = await problemOf(bad);
    expect(problem).toMatchObject({ status: 400, code: 'validation_failed', errors: [{ path: 'map.regions.0', message: expect.stringContaining('sky, vegetation') }] });
  });

  it('rejected: nothing is stored', async () => {
    const jobId = await succeededJob(t.tenantId, image.id, { auto: true }, 'dan');
    const response = await post(`/v1/jobs/${jobId}/feedback`, { accepted: false });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ object: 'feedback', jobId, userId: 'dan', accepted: false, remembered: false, confirmed: null });
    expect(await memory.count(t.tenantId, 'dan')).toBe(0);
    // A map only makes sense with accepted: true.
    expect((await problemOf(await post(`/v1/jobs/${jobId}/feedback`, { accepted: false, map: { global: { brightness: 0 } } }))).code).toBe('validation_failed');
  });

  it('422 user_id_required without a userId; 409 result_not_ready before the job succeeded; 404 across tenants', async () => {
    const anonymous = await succeededJob(t.tenantId, image.id, { auto: true }, null);
    expect(await problemOf(await post(`/v1/jobs/${anonymous}/feedback`, { accepted: true }))).toMatchObject({ status: 422, code: 'user_id_required' });

    const queued = (await (await post('/v1/jobs', { imageId: image.id, auto: true, userId: 'ana' })).json()) as JobView;
    expect(await problemOf(await post(`/v1/jobs/${queued.id}/feedback`, { accepted: true }))).toMatchObject({ status: 409, code: 'result_not_ready' });

    const mine = await succeededJob(t.tenantId, image.id, { auto: true }, 'eve');
    const foreign = await post(`/v1/jobs/${mine}/feedback`, { accepted: true }, other.key);
    expect(await problemOf(foreign)).toMatchObject({ status: 404, code: 'not_found' });
    expect(await memory.count(t.tenantId, 'eve')).toBe(0);
    expect(await memory.count(other.tenantId, 'eve')).toBe(0);
  });
});

describe('DELETE /v1/users/{userId}/memory', () => {
  it('forgets this tenant’s user only, and says how many scenes went', async () => {
    const mine = await succeededJob(t.tenantId, image.id, { auto: true }, 'fay');
    expect((await post(`/v1/jobs/${mine}/feedback`, { accepted: true })).status).toBe(200);
    const theirImage = await upload(other);
    const theirs = await succeededJob(other.tenantId, theirImage.id, { auto: true }, 'fay');
    expect((await post(`/v1/jobs/${theirs}/feedback`, { accepted: true }, other.key)).status).toBe(200);

    const response = await h.api('/v1/users/fay/memory', { key: t.key, method: 'DELETE' });
    expect(response.status).toBe(200);
    expect((await response.json()) as ForgetMemoryResult).toEqual({ object: 'user_memory', userId: 'fay', deleted: 1 });
    expect(await memory.count(t.tenantId, 'fay')).toBe(0);
    // The other tenant's user of the same name keeps their memory.
    expect(await memory.count(other.tenantId, 'fay')).toBe(1);
    expect(await (await h.api('/v1/users/fay/memory', { key: t.key, method: 'DELETE' })).json()).toMatchObject({ deleted: 0 });
    expect((await problemOf(await h.api('/v1/users/bad%20id/memory', { key: t.key, method: 'DELETE' }))).code).toBe('not_found');
  });
});

describe('POST /v1/jobs/{id}/follow-up', () => {
  it('202: a new job on the parent’s image and user, its request naming the parent, enqueued for the agent', async () => {
    const parent = await succeededJob(t.tenantId, image.id, { instruction: 'brighten the sky a little', output: { format: 'png', quality: 80 } }, 'gus');
    const response = await post(`/v1/jobs/${parent}/follow-up`, { instruction: 'a bit more' });
    expect(response.status).toBe(202);
    const child = (await response.json()) as JobView;
    expect(child).toMatchObject({ object: 'job', imageId: image.id, userId: 'gus', state: 'queued' });
    expect(child.request).toEqual({ instruction: 'a bit more', [PARENT_JOB_FIELD]: parent, output: { format: 'png', quality: 80 }, userId: 'gus' });
    expect(response.headers.get('location')).toBe(`/v1/jobs/${child.id}`);
    expect((await agentJobOf(h, child.id))?.opts).toMatchObject({ attempts: DEFAULT_AGENT_JOB_OPTIONS.attempts });

    // Idempotent like POST /v1/jobs.
    const again = await h.api(`/v1/jobs/${parent}/follow-up`, { key: t.key, method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'more-1' }, body: JSON.stringify({ instruction: 'less' }) });
    const replay = await h.api(`/v1/jobs/${parent}/follow-up`, { key: t.key, method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'more-1' }, body: JSON.stringify({ instruction: 'less' }) });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as JobView).id).toBe(((await again.json()) as JobView).id);
  });

  it('409 before the parent succeeded; 404 across tenants; 400 without an instruction', async () => {
    const queued = (await (await post('/v1/jobs', { imageId: image.id, auto: true })).json()) as JobView;
    expect(await problemOf(await post(`/v1/jobs/${queued.id}/follow-up`, { instruction: 'more' }))).toMatchObject({ status: 409, code: 'result_not_ready' });
    const parent = await succeededJob(t.tenantId, image.id, { auto: true }, null);
    expect(await problemOf(await post(`/v1/jobs/${parent}/follow-up`, { instruction: 'more' }, other.key))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await problemOf(await post(`/v1/jobs/${parent}/follow-up`, { map: { global: { brightness: 0.1 } } }))).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});

describe('without a scene memory', () => {
  it('feedback that would store, and forget, answer 503 service_unavailable', async () => {
    const bare = await startHarness({ scratch: undefined });
    try {
      const tenant = await bare.tenant();
      const img = (await (await bare.api('/v1/images', { key: tenant.key, method: 'POST', body: await encoders.png() })).json()) as ImageView;
      const id = newId('job');
      await bare.db.jobs.create({ id, tenantId: tenant.tenantId, imageId: img.id, userId: 'ana', request: { auto: true } });
      await bare.db.jobs.start(tenant.tenantId, id, 4);
      await bare.db.jobs.transition(tenant.tenantId, id, ['running'], 'succeeded', { resultKey: 'x' });
      const feedback = await bare.api(`/v1/jobs/${id}/feedback`, { key: tenant.key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accepted: true }) });
      expect((await problemOf(feedback)).code).toBe('service_unavailable');
      expect((await problemOf(await bare.api('/v1/users/ana/memory', { key: tenant.key, method: 'DELETE' }))).code).toBe('service_unavailable');
    } finally {
      await bare.close();
    }
  });
});
