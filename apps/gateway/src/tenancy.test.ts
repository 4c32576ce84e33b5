/**
 * Tenants never see each other's resources: every route answers another tenant's id
 * exactly like an id that does not exist (404 not_found, never 403), and lists only
 * hold the caller's own.
 */
import type { BatchView, ImageView, JobView } from '@pertouch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoders } from './testing/images.js';
import { problemOf, startHarness, type Harness, type TenantKey } from './testing/harness.js';

let h: Harness;
let owner: TenantKey;
let other: TenantKey;
let image: ImageView;
let job: JobView;
let batch: BatchView;
let endpointId: string;

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  h = await startHarness();
  owner = await h.tenant();
  other = await h.tenant();
  image = (await (await h.api('/v1/images', { key: owner.key, method: 'POST', body: await encoders.jpeg() })).json()) as ImageView;
  job = (await (await h.api('/v1/jobs', { key: owner.key, ...json({ imageId: image.id, auto: true, webhookUrl: 'https://hooks.example.com/owner' }) })).json()) as JobView;
  batch = (await (await h.api('/v1/batches', { key: owner.key, ...json({ imageIds: [image.id], auto: true }) })).json()) as BatchView;
  endpointId = ((await (await h.api('/v1/webhook-endpoints', { key: owner.key, ...json({ url: 'https://hooks.example.com/owner' }) })).json()) as { id: string }).id;
  // One delivery in the owner's log.
  await h.api(`/v1/jobs/${batch.jobIds[0]}/cancel`, { key: owner.key, method: 'POST' });
});
afterAll(async () => {
  await h?.close();
});

/** [label, method, path, body?] of every route that names a resource. */
function routes(): [string, string, string, unknown?][] {
  return [
    ['image', 'GET', `/v1/images/${image.id}`],
    ['job', 'GET', `/v1/jobs/${job.id}`],
    ['job events', 'GET', `/v1/jobs/${job.id}/events`],
    ['job result', 'GET', `/v1/jobs/${job.id}/result`],
    ['job cancel', 'POST', `/v1/jobs/${job.id}/cancel`],
    ['job from image', 'POST', '/v1/jobs', { imageId: image.id, auto: true }],
    ['batch', 'GET', `/v1/batches/${batch.id}`],
    ['batch from images', 'POST', '/v1/batches', { imageIds: [image.id], auto: true }],
    ['webhook endpoint', 'DELETE', `/v1/webhook-endpoints/${endpointId}`],
  ];
}

describe('cross-tenant access', () => {
  it('answers 404 not_found on every route, like an id that does not exist', async () => {
    for (const [label, method, path, body] of routes()) {
      const response = await h.api(path, { key: other.key, method, ...(body ? json(body) : {}) });
      expect(response.status, label).toBe(404);
      expect((await problemOf(response)).code, label).toBe('not_found');
    }
  });

  it('leaves the owner\'s resources untouched and visible to the owner', async () => {
    expect(await (await h.api(`/v1/jobs/${job.id}`, { key: owner.key })).json()).toMatchObject({ state: 'queued' });
    expect((await h.api(`/v1/images/${image.id}`, { key: owner.key })).status).toBe(200);
    expect((await h.api(`/v1/batches/${batch.id}`, { key: owner.key })).status).toBe(200);
    const endpoints = (await (await h.api('/v1/webhook-endpoints', { key: owner.key })).json()) as { data: { id: string }[] };
    expect(endpoints.data.map((e) => e.id)).toEqual([endpointId]);
  });

  it('lists hold only the caller\'s own', async () => {
    const endpoints = (await (await h.api('/v1/webhook-endpoints', { key: other.key })).json()) as { data: unknown[] };
    expect(endpoints.data).toEqual([]);
    const ownerLog = (await (await h.api('/v1/webhook-deliveries', { key: owner.key })).json()) as { data: unknown[] };
    expect(ownerLog.data.length).toBeGreaterThan(0);
    const otherLog = (await (await h.api('/v1/webhook-deliveries', { key: other.key })).json()) as { data: unknown[] };
    expect(otherLog.data).toEqual([]);
  });
});
