/**
 * GET /v1/jobs/{id}/events: Server-Sent Events relayed from Redis pub/sub. The test
 * plays the agent: it publishes JobEventSchema events on jobEventsChannel(prefix, id) with its
 * own ioredis client.
 */
import { jobEventsChannel, type ImageView, type JobEvent, type JobView } from '@pertouch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoders } from './testing/images.js';
import { problemOf, startHarness, type Harness, type TenantKey } from './testing/harness.js';
import { SseReader } from './testing/sse.js';

let h: Harness;
let t: TenantKey;
let image: ImageView;

beforeAll(async () => {
  h = await startHarness({ deps: { sseHeartbeatMs: 100 } });
  t = await h.tenant();
  image = (await (await h.api('/v1/images', { key: t.key, method: 'POST', body: await encoders.jpeg() })).json()) as ImageView;
});
afterAll(async () => {
  await h?.close();
});

async function newJob(): Promise<JobView> {
  const response = await h.api('/v1/jobs', { key: t.key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ imageId: image.id, auto: true }) });
  return (await response.json()) as JobView;
}

function event(jobId: string, type: JobEvent['type'], fields: Partial<JobEvent> = {}): JobEvent {
  return { type, jobId, state: 'running', stage: 'segment', progress: 0.05, at: new Date().toISOString(), ...fields };
}

async function publish(jobId: string, payload: unknown): Promise<void> {
  await h.redis.publish(jobEventsChannel(h.prefix, jobId), typeof payload === 'string' ? payload : JSON.stringify(payload));
}

/** Resolves once the gateway has subscribed to the job's channel. */
async function subscribed(jobId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [, count] = (await h.redis.pubsub('NUMSUB', jobEventsChannel(h.prefix, jobId))) as [string, number];
    if (Number(count) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the gateway never subscribed');
}

describe('job events over SSE', () => {
  it('sends the current state first, relays events, and closes after done', async () => {
    const job = await newJob();
    const response = await h.api(`/v1/jobs/${job.id}/events`, { key: t.key });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = new SseReader(response);
    expect(await sse.nextEvent()).toEqual({ event: 'state', data: expect.objectContaining({ type: 'state', jobId: job.id, state: 'queued', stage: 'queued', progress: 0 }) });

    await publish(job.id, event(job.id, 'state', { state: 'running', stage: 'segment' }));
    // Noise on the channel is ignored: not JSON, not a JobEvent, another job's event.
    await publish(job.id, 'not json');
    await publish(job.id, { hello: 'world' });
    await publish(job.id, event('job_00000000000000000000000000', 'progress'));
    await publish(job.id, event(job.id, 'progress', { stage: 'render', progress: 0.5 }));
    await publish(job.id, event(job.id, 'round', { stage: 'render', progress: 0.9, round: 1 }));
    await publish(job.id, { ...event(job.id, 'done', { state: 'succeeded', stage: 'done', progress: 1 }), durationMs: 1234 });

    const received = [];
    for (let e = await sse.nextEvent(); e; e = await sse.nextEvent()) received.push(e);
    expect(received.map((e) => [e.event, e.data.state, e.data.progress])).toEqual([
      ['state', 'running', 0.05],
      ['progress', 'running', 0.5],
      ['round', 'running', 0.9],
      ['done', 'succeeded', 1],
    ]);
    expect(received[2].data.round).toBe(1);
    expect(sse.ended).toBe(true);
  });

  it('misses nothing published as soon as the gateway subscribed', async () => {
    const job = await newJob();
    const pending = h.api(`/v1/jobs/${job.id}/events`, { key: t.key });
    await subscribed(job.id);
    await publish(job.id, event(job.id, 'progress', { progress: 0.3, stage: 'analyse' }));
    const sse = new SseReader(await pending);
    const first = await sse.nextEvent();
    expect(first?.event).toBe('state');
    const second = await sse.nextEvent();
    expect(second).toEqual({ event: 'progress', data: expect.objectContaining({ progress: 0.3 }) });
    // A client that goes away releases its subscription.
    await sse.cancel();
    for (let i = 0; i < 100; i++) {
      const [, count] = (await h.redis.pubsub('NUMSUB', jobEventsChannel(h.prefix, job.id))) as [string, number];
      if (Number(count) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the gateway kept its subscription after the client left');
  });

  it('sends heartbeat comments while nothing happens', async () => {
    const job = await newJob();
    const sse = new SseReader(await h.api(`/v1/jobs/${job.id}/events`, { key: t.key }));
    await sse.nextEvent();
    expect(await sse.next()).toEqual({ comment: 'heartbeat' });
    await sse.cancel();
  });

  it('a finished job: its state, done, end of stream', async () => {
    const job = await newJob();
    await h.api(`/v1/jobs/${job.id}/cancel`, { key: t.key, method: 'POST' });
    const sse = new SseReader(await h.api(`/v1/jobs/${job.id}/events`, { key: t.key }));
    expect((await sse.nextEvent())?.data).toMatchObject({ type: 'state', state: 'cancelled' });
    expect((await sse.nextEvent())?.data).toMatchObject({ type: 'done', state: 'cancelled' });
    expect(await sse.nextEvent()).toBeUndefined();
  });

  it('a cancel ends the streams of the job (the gateway publishes done)', async () => {
    const job = await newJob();
    const sse = new SseReader(await h.api(`/v1/jobs/${job.id}/events`, { key: t.key }));
    await sse.nextEvent();
    await h.api(`/v1/jobs/${job.id}/cancel`, { key: t.key, method: 'POST' });
    expect((await sse.nextEvent())?.data).toMatchObject({ type: 'done', state: 'cancelled', durationMs: expect.any(Number) });
    expect(await sse.nextEvent()).toBeUndefined();
  });

  it('unknown jobs: a 404 problem, and no subscription is left behind', async () => {
    const response = await h.api('/v1/jobs/job_00000000000000000000000000/events', { key: t.key });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe('not_found');
    const [, count] = (await h.redis.pubsub('NUMSUB', jobEventsChannel(h.prefix, 'job_00000000000000000000000000'))) as [string, number];
    expect(Number(count)).toBe(0);
  });

  it('a graceful shutdown ends open streams and finishes promptly', async () => {
    const own = await startHarness({ deps: { sseHeartbeatMs: 100 } });
    try {
      const tenant = await own.tenant();
      const img = (await (await own.api('/v1/images', { key: tenant.key, method: 'POST', body: await encoders.png() })).json()) as ImageView;
      const job = (await (await own.api('/v1/jobs', { key: tenant.key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ imageId: img.id, auto: true }) })).json()) as JobView;
      const sse = new SseReader(await own.api(`/v1/jobs/${job.id}/events`, { key: tenant.key }));
      await sse.nextEvent();
      const started = Date.now();
      await own.app.close();
      expect(Date.now() - started).toBeLessThan(own.settings.shutdownTimeoutMs);
      for (let m = await sse.next(); m; m = await sse.next());
      expect(sse.ended).toBe(true);
      await expect(fetch(`${own.url}/healthz`)).rejects.toThrow();
    } finally {
      await own.close();
    }
  });
});
