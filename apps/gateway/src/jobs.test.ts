/**
 * Jobs against the real app: creation enqueues the agent job (read back with a BullMQ
 * Queue), idempotency, the checks before a job is accepted, cancellation, and results.
 */
import { DEFAULT_AGENT_JOB_OPTIONS, QUEUE_NAMES, objectKeys, type ImageView, type JobView } from '@pertouch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_JOB_NAME } from './infra/bullmq-queues.js';
import { encoders } from './testing/images.js';
import { agentJobOf, problemOf, startHarness, type Harness, type TenantKey } from './testing/harness.js';

let h: Harness;
let t: TenantKey;
let image: ImageView;

beforeAll(async () => {
  h = await startHarness();
  t = await h.tenant();
  image = await uploadImage(t);
});
afterAll(async () => {
  await h?.close();
});

async function uploadImage(tenant: TenantKey): Promise<ImageView> {
  const response = await h.api('/v1/images', { key: tenant.key, method: 'POST', body: await encoders.png() });
  expect(response.status).toBe(201);
  return (await response.json()) as ImageView;
}

function createJob(body: unknown, init: { key?: string; idempotencyKey?: string } = {}): Promise<Response> {
  return h.api('/v1/jobs', {
    key: init.key ?? t.key,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.idempotencyKey ? { 'idempotency-key': init.idempotencyKey } : {}) },
    body: JSON.stringify(body),
  });
}

describe('POST /v1/jobs', () => {
  it('accepts a job (202) and enqueues its agent job with the contract payload and options', async () => {
    const response = await createJob({ imageId: image.id, map: { global: { brightness: 0.2 } }, output: { format: 'png' }, userId: 'user-1' });
    expect(response.status).toBe(202);
    const job = (await response.json()) as JobView;
    expect(job).toMatchObject({ object: 'job', imageId: image.id, state: 'queued', batchId: null, userId: 'user-1', rounds: [], error: null, result: null, progress: 0 });
    expect(job.request).toMatchObject({ map: { global: { brightness: 0.2 } }, output: { format: 'png', quality: 90 } });
    expect(response.headers.get('location')).toBe(`/v1/jobs/${job.id}`);
    expect(response.headers.get('idempotent-replayed')).toBeNull();

    const queued = await agentJobOf(h, job.id);
    expect(queued).toBeDefined();
    expect(queued!.name).toBe(AGENT_JOB_NAME);
    expect(queued!.data).toEqual({ tenantId: t.tenantId, jobId: job.id });
    expect(queued!.state).toBe('waiting');
    expect(queued!.opts).toMatchObject({ attempts: DEFAULT_AGENT_JOB_OPTIONS.attempts, backoff: DEFAULT_AGENT_JOB_OPTIONS.backoff });

    const read = await h.api(`/v1/jobs/${job.id}`, { key: t.key });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(job);
  });

  it('replays the same job for the same Idempotency-Key and body, and refuses another body', async () => {
    const body = { imageId: image.id, auto: true };
    const first = await createJob(body, { idempotencyKey: 'order-42' });
    expect(first.status).toBe(202);
    const job = (await first.json()) as JobView;
    // Same body with its keys in another order: the same request.
    const again = await createJob({ auto: true, imageId: image.id }, { idempotencyKey: 'order-42' });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as JobView).id).toBe(job.id);

    const other = await createJob({ imageId: image.id, instruction: 'brighten the sky' }, { idempotencyKey: 'order-42' });
    expect(other.status).toBe(422);
    expect((await problemOf(other)).code).toBe('idempotency_key_reused');

    // One agent job however often the request is replayed.
    expect((await h.queue(QUEUE_NAMES.agent).getJobs(['waiting'])).filter((j) => j.id === job.id)).toHaveLength(1);

    const badKey = await createJob(body, { idempotencyKey: 'bad key with spaces' });
    expect((await problemOf(badKey)).code).toBe('validation_failed');
  });

  it('unknown image: 404; exactly one edit; webhookUrl checked by the SSRF guard', async () => {
    const missing = await createJob({ imageId: 'img_00000000000000000000000000', auto: true });
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).code).toBe('not_found');

    const two = await createJob({ imageId: image.id, auto: true, instruction: 'more contrast' });
    expect((await problemOf(two)).code).toBe('validation_failed');

    for (const url of ['http://127.0.0.1:8080/hook', 'http://internal.example.com/hook', 'http://169.254.169.254/latest/meta-data', 'https://nowhere.invalid/x']) {
      const refused = await createJob({ imageId: image.id, auto: true, webhookUrl: url });
      expect(refused.status, url).toBe(422);
      expect((await problemOf(refused)).code).toBe('webhook_url_forbidden');
    }
    const allowed = await createJob({ imageId: image.id, auto: true, webhookUrl: 'https://hooks.example.com/pertouch' });
    expect(allowed.status).toBe(202);
  });

  it('daily quota: 429 quota_exceeded once the day\'s jobs are used', async () => {
    const small = await h.tenant({ dailyJobQuota: 2 });
    const img = await uploadImage(small);
    expect((await createJob({ imageId: img.id, auto: true }, { key: small.key })).status).toBe(202);
    expect((await createJob({ imageId: img.id, auto: true }, { key: small.key })).status).toBe(202);
    const third = await createJob({ imageId: img.id, auto: true }, { key: small.key });
    expect(third.status).toBe(429);
    expect((await problemOf(third)).code).toBe('quota_exceeded');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('POST /v1/jobs/{id}/cancel', () => {
  it('cancels a queued job, removes its waiting agent job, logs its webhook, and refuses a second cancel', async () => {
    const endpoint = await h.api('/v1/webhook-endpoints', {
      key: t.key,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://hooks.example.com/cancelled', events: ['job.cancelled'] }),
    });
    expect(endpoint.status).toBe(201);
    const job = (await (await createJob({ imageId: image.id, auto: true })).json()) as JobView;
    expect(await agentJobOf(h, job.id)).toBeDefined();

    const cancel = await h.api(`/v1/jobs/${job.id}/cancel`, { key: t.key, method: 'POST' });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toMatchObject({ id: job.id, state: 'cancelled' });
    expect(await agentJobOf(h, job.id)).toBeUndefined();

    const deliveries = (await (await h.api('/v1/webhook-deliveries?eventType=job.cancelled', { key: t.key })).json()) as { data: { eventType: string; url: string; payload: { data: { id: string } } }[] };
    expect(deliveries.data.some((d) => d.url === 'https://hooks.example.com/cancelled' && d.payload.data.id === job.id)).toBe(true);

    const again = await h.api(`/v1/jobs/${job.id}/cancel`, { key: t.key, method: 'POST' });
    expect(again.status).toBe(409);
    expect((await problemOf(again)).code).toBe('job_not_cancellable');
  });

  it('cancels a running job (the agent stops it) and 404s unknown ids', async () => {
    const job = (await (await createJob({ imageId: image.id, auto: true })).json()) as JobView;
    expect((await h.db.jobs.start(t.tenantId, job.id, 10)).kind).toBe('started');
    const cancel = await h.api(`/v1/jobs/${job.id}/cancel`, { key: t.key, method: 'POST' });
    expect(await cancel.json()).toMatchObject({ state: 'cancelled' });
    const unknown = await h.api('/v1/jobs/job_00000000000000000000000000/cancel', { key: t.key, method: 'POST' });
    expect((await problemOf(unknown)).code).toBe('not_found');
  });
});

describe('GET /v1/jobs/{id}/result', () => {
  it('409 result_not_ready until the job succeeded, then the bytes with their content type', async () => {
    const job = (await (await createJob({ imageId: image.id, auto: true, output: { format: 'webp' } })).json()) as JobView;
    const early = await h.api(`/v1/jobs/${job.id}/result`, { key: t.key });
    expect(early.status).toBe(409);
    expect((await problemOf(early)).code).toBe('result_not_ready');

    // What the agent does when it finishes: the round's image in storage, the job succeeded.
    const bytes = await encoders.webp();
    const key = objectKeys.round(t.tenantId, image.id, job.id, 1, 'webp');
    await h.store.put(key, bytes, 'image/webp');
    await h.db.jobs.start(t.tenantId, job.id, 10);
    await h.db.jobs.transition(t.tenantId, job.id, ['running'], 'succeeded', { stage: 'done', progress: 1, resultKey: key, resultFormat: 'webp', resultWidth: 64, resultHeight: 48, resultBytes: bytes.length });

    const view = (await (await h.api(`/v1/jobs/${job.id}`, { key: t.key })).json()) as JobView;
    expect(view.result).toEqual({ url: `http://gateway.test/v1/jobs/${job.id}/result`, format: 'webp', width: 64, height: 48, bytes: bytes.length });

    const result = await h.api(`/v1/jobs/${job.id}/result`, { key: t.key });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('image/webp');
    expect(result.headers.get('content-disposition')).toBe(`inline; filename="${job.id}.webp"`);
    expect(Buffer.compare(Buffer.from(await result.arrayBuffer()), bytes)).toBe(0);

    const cancel = await h.api(`/v1/jobs/${job.id}/cancel`, { key: t.key, method: 'POST' });
    expect((await problemOf(cancel)).code).toBe('job_not_cancellable');
  });
});
