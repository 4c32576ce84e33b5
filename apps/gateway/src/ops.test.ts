/**
 * Operations: the OpenAPI document and docs page, liveness and readiness (503 when Redis
 * is unreachable), Prometheus metrics, the per-tenant rate limit, and a graceful stop that
 * lets an in-flight request finish.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jobEventsChannel, type ImageView, type JobView } from '@pertouch/contracts';
import { FsObjectStore } from '@pertouch/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from './ops/openapi.js';
import { encoders } from './testing/images.js';
import { problemOf, startHarness, type Harness, type TenantKey } from './testing/harness.js';

let h: Harness;
let t: TenantKey;

beforeAll(async () => {
  h = await startHarness();
  t = await h.tenant();
});
afterAll(async () => {
  await h?.close();
});

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** `METHOD /path/{param}` of every route Nest registered on Express. */
function servedRoutes(): string[] {
  const express = h.app.nest.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack
    .filter((layer) => layer.route)
    .flatMap((layer) => Object.keys(layer.route!.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`));
}

describe('OpenAPI and docs', () => {
  it('serves a valid-looking OpenAPI 3.1 document covering every route', async () => {
    const response = await h.api('/openapi.json');
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, { responses: Record<string, unknown>; operationId: string }>>; components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    expect(doc.components.securitySchemes).toHaveProperty('apiKey');

    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const served = servedRoutes();
    expect(new Set(documented)).toEqual(new Set(served));
    expect(served).toHaveLength(OPERATIONS.length);

    const ids = new Set<string>();
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods)) {
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        ids.add(op.operationId);
      }
    }
    expect(ids.size).toBe(OPERATIONS.length);
    // Every $ref resolves, and the schemas are the contracts' (generated, not hand-written).
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    for (const name of refs) expect(doc.components.schemas, name).toHaveProperty(name);
    expect(doc.components.schemas.CreateJobRequest).toMatchObject({ type: 'object', properties: { imageId: { type: 'string' } } });
    expect(JSON.stringify(doc.components.schemas.Job)).toContain('"succeeded"');
  });

  it('renders the docs page from it, self-contained', async () => {
    const response = await h.api('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    for (const op of OPERATIONS) expect(html).toContain(op.path);
    expect(html).not.toMatch(/<script|https?:\/\/(cdn|unpkg|fonts)\./);
  });
});

describe('health', () => {
  it('/healthz and /readyz are 200 when everything is up', async () => {
    expect(await (await h.api('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await h.api('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { redis: 'ok', postgres: 'ok', storage: 'ok' } });
  });

  it('/readyz is a 503 problem naming Redis when Redis is unreachable; /healthz stays 200', async () => {
    const broken = await startHarness({ settings: { redisUrl: 'redis://127.0.0.1:1' } });
    try {
      const ready = await broken.api('/readyz');
      expect(ready.status).toBe(503);
      const problem = await problemOf(ready);
      expect(problem.code).toBe('service_unavailable');
      expect(problem.checks).toEqual({ redis: 'down', postgres: 'ok', storage: 'ok' });
      expect((await broken.api('/healthz')).status).toBe(200);

      // Requests that need Redis answer 503 quickly instead of hanging; the rest still work
      // (the rate limiter fails open while readiness reports the outage).
      const tenant = await broken.tenant();
      const upload = await broken.api('/v1/images', { key: tenant.key, method: 'POST', body: await encoders.png() });
      expect(upload.status).toBe(201);
      const image = (await upload.json()) as ImageView;
      const started = Date.now();
      const create = await broken.api('/v1/jobs', { key: tenant.key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ imageId: image.id, auto: true }) });
      expect(create.status).toBe(503);
      expect((await problemOf(create)).code).toBe('service_unavailable');
      expect(create.headers.get('retry-after')).toBe('5');
      expect(Date.now() - started).toBeLessThan(10_000);
      // The job was recorded before the enqueue failed; its events need Redis too.
      const [recorded] = await broken.db.jobs.listQueued(tenant.tenantId, 10);
      const events = await broken.api(`/v1/jobs/${recorded.id}/events`, { key: tenant.key });
      expect(events.status).toBe(503);
      expect((await problemOf(events)).code).toBe('service_unavailable');
    } finally {
      await broken.close();
    }
  });
});

describe('metrics', () => {
  it('counts requests by route template, reads queue depths, and observes job durations', async () => {
    const image = (await (await h.api('/v1/images', { key: t.key, method: 'POST', body: await encoders.png() })).json()) as ImageView;
    const job = (await (await h.api('/v1/jobs', { key: t.key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ imageId: image.id, auto: true }) })).json()) as JobView;
    await h.api(`/v1/jobs/${job.id}`, { key: t.key });
    await h.api(`/v1/jobs/job_00000000000000000000000000`, { key: t.key });
    await h.api('/no/such/route');
    await h.redis.publish(jobEventsChannel(h.prefix, job.id), JSON.stringify({ type: 'done', jobId: job.id, state: 'succeeded', stage: 'done', progress: 1, at: new Date().toISOString(), durationMs: 4200 }));

    let text = '';
    for (let i = 0; i < 50 && !text.includes('pertouch_job_duration_seconds_count{state="succeeded"} 1'); i++) {
      const response = await h.api('/metrics');
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      text = await response.text();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(text).toContain('pertouch_gateway_http_requests_total{method="GET",route="/v1/jobs/:id",status="200"} 1');
    expect(text).toContain('pertouch_gateway_http_requests_total{method="GET",route="/v1/jobs/:id",status="404"} 1');
    expect(text).toContain('pertouch_gateway_http_requests_total{method="POST",route="/v1/images",status="201"} 1');
    expect(text).toContain('pertouch_gateway_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toMatch(/pertouch_gateway_http_request_duration_seconds_bucket\{le="0\.1",method="POST",route="\/v1\/jobs",status="202"\} 1/);
    expect(text).toContain('pertouch_queue_jobs{queue="agent",state="waiting"} 1');
    expect(text).toContain('pertouch_queue_jobs{queue="render",state="active"} 0');
    expect(text).toContain('pertouch_queue_stats_up 1');
    expect(text).toContain('pertouch_job_duration_seconds_sum{state="succeeded"} 4.2');
    expect(text).toContain('pertouch_job_duration_seconds_count{state="succeeded"} 1');
  });
});

describe('unexpected failures', () => {
  it('500 internal_error with no internals in the answer; the error and request id go to the log', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pertouch-gateway-broken-'));
    const store = new FsObjectStore({ root: dir });
    store.put = async () => {
      throw new Error('EIO: disk on fire at /var/lib/secret/objects');
    };
    const own = await startHarness({ store });
    try {
      const tenant = await own.tenant();
      const response = await own.api('/v1/images', { key: tenant.key, method: 'POST', body: await encoders.png(), headers: { 'x-request-id': 'req-500' } });
      expect(response.status).toBe(500);
      const problem = await problemOf(response);
      expect(problem).toMatchObject({ code: 'internal_error', detail: 'internal error', requestId: 'req-500' });
      expect(JSON.stringify(problem)).not.toMatch(/secret|EIO|stack/);
      expect(own.logs).toContainEqual(expect.objectContaining({ event: 'request.failed', requestId: 'req-500', error: expect.stringContaining('disk on fire') }));
      expect((await own.api('/healthz')).status).toBe(200);
    } finally {
      await own.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('rate limit', () => {
  it('429 rate_limited with Retry-After and RateLimit-* headers once the minute\'s budget is spent', async () => {
    const limited = await h.tenant({ rateLimitPerMinute: 3 });
    const first = await h.api('/v1/webhook-endpoints', { key: limited.key });
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    // Up to 2 × limit + 1 more: a window boundary can reset the count at most once meanwhile.
    let refused: Response | undefined;
    for (let i = 0; i < 7 && !refused; i++) {
      const response = await h.api('/v1/webhook-endpoints', { key: limited.key });
      if (response.status === 429) refused = response;
    }
    expect(refused).toBeDefined();
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused!.headers.get('ratelimit-remaining')).toBe('0');
    expect((await problemOf(refused!)).code).toBe('rate_limited');
    // Another tenant has its own budget.
    expect((await h.api('/v1/webhook-endpoints', { key: t.key })).status).toBe(200);
  });
});

describe('graceful shutdown', () => {
  it('stops accepting but lets an in-flight upload finish', async () => {
    const own = await startHarness();
    try {
      const tenant = await own.tenant();
      const bytes = await encoders.jpeg(128, 128);
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(bytes.subarray(0, 100));
          await gate;
          controller.enqueue(bytes.subarray(100));
          controller.close();
        },
      });
      const inFlight = own.api('/v1/images', { key: tenant.key, method: 'POST', body, duplex: 'half' } as RequestInit & { key: string });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const closing = own.app.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      const response = await inFlight;
      expect(response.status).toBe(201);
      expect(response.headers.get('connection')).toBe('close');
      await closing;
      await expect(fetch(`${own.url}/healthz`)).rejects.toThrow();
    } finally {
      await own.close();
    }
  });
});
