/** Webhook endpoints and the delivery log against the real app. */
import type { ImageView, JobView } from '@pertouch/contracts';
import { parseWebhookAllowlist } from '@pertouch/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoders } from './testing/images.js';
import { problemOf, startHarness, type Harness, type TenantKey } from './testing/harness.js';

let h: Harness;
let t: TenantKey;

beforeAll(async () => {
  h = await startHarness({ settings: { webhookAllowlist: parseWebhookAllowlist('internal.example.com') } });
  t = await h.tenant();
});
afterAll(async () => {
  await h?.close();
});

function createEndpoint(body: unknown): Promise<Response> {
  return h.api('/v1/webhook-endpoints', { key: t.key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('webhook endpoints', () => {
  it('returns the secret once, lists without it, deletes', async () => {
    const created = await createEndpoint({ url: 'https://hooks.example.com/a', description: 'prod' });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as { id: string; secret: string; events: string[] };
    expect(endpoint).toMatchObject({ object: 'webhook_endpoint', url: 'https://hooks.example.com/a', description: 'prod', events: ['job.succeeded', 'job.failed', 'job.cancelled', 'batch.completed'] });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(endpoint.id).toMatch(/^whe_/);

    const listed = (await (await h.api('/v1/webhook-endpoints', { key: t.key })).json()) as { object: string; data: Record<string, unknown>[] };
    expect(listed.object).toBe('list');
    const mine = listed.data.find((e) => e.id === endpoint.id);
    expect(mine).toBeDefined();
    expect(mine).not.toHaveProperty('secret');

    const deleted = await h.api(`/v1/webhook-endpoints/${endpoint.id}`, { key: t.key, method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const again = await h.api(`/v1/webhook-endpoints/${endpoint.id}`, { key: t.key, method: 'DELETE' });
    expect((await problemOf(again)).code).toBe('not_found');
  });

  it('refuses private, loopback, link-local and unresolvable targets (422), unless allowlisted', async () => {
    for (const url of ['http://localhost/hook', 'http://10.0.0.1/hook', 'http://[::1]/hook', 'http://metadata.example.com/', 'https://unknown-host.invalid/', 'http://user:pw@hooks.example.com/']) {
      const response = await createEndpoint({ url });
      expect(response.status, url).toBe(422);
      const problem = await problemOf(response);
      expect(problem.code).toBe('webhook_url_forbidden');
      // The internal address it resolved to stays in the logs.
      expect(problem.detail).not.toContain('169.254');
    }
    expect((await createEndpoint({ url: 'http://internal.example.com/hook' })).status).toBe(201);
    expect((await problemOf(await createEndpoint({ url: 'ftp://hooks.example.com/' }))).code).toBe('validation_failed');
  });

  it('shows the delivery log, filtered and limited', async () => {
    const image = (await (await h.api('/v1/images', { key: t.key, method: 'POST', body: await encoders.png() })).json()) as ImageView;
    const jobs: JobView[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await h.api('/v1/jobs', {
        key: t.key,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ imageId: image.id, auto: true, webhookUrl: 'https://hooks.example.com/job' }),
      });
      jobs.push((await response.json()) as JobView);
    }
    for (const job of jobs) await h.api(`/v1/jobs/${job.id}/cancel`, { key: t.key, method: 'POST' });

    const log = (await (await h.api('/v1/webhook-deliveries', { key: t.key })).json()) as { data: { id: string; eventType: string; url: string; state: string; endpointId: string | null }[] };
    const toJobUrl = log.data.filter((d) => d.url === 'https://hooks.example.com/job');
    expect(toJobUrl).toHaveLength(2);
    expect(toJobUrl.every((d) => d.eventType === 'job.cancelled' && d.state === 'pending' && d.endpointId === null && /^msg_/.test(d.id))).toBe(true);
    const limited = (await (await h.api('/v1/webhook-deliveries?limit=1', { key: t.key })).json()) as { data: unknown[] };
    expect(limited.data).toHaveLength(1);
    const none = (await (await h.api('/v1/webhook-deliveries?eventType=batch.completed', { key: t.key })).json()) as { data: unknown[] };
    expect(none.data).toHaveLength(0);
    expect((await problemOf(await h.api('/v1/webhook-deliveries?limit=0', { key: t.key }))).code).toBe('validation_failed');
    expect((await problemOf(await h.api('/v1/webhook-deliveries?eventType=nope', { key: t.key }))).code).toBe('validation_failed');
  });
});
