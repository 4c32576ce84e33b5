/**
 * The whole pipeline in one process, every component real (testing/pipeline.ts): Redis,
 * a scratch Postgres, the memory store, the segmenter's worker with the embedded engine,
 * the gpu-worker with the embedded renderer, and the agent — here with a local HTTP
 * receiver for webhooks (allowlist 127.0.0.1) and injectable storage outages for the
 * agent. The test plays the gateway.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { DEFAULT_AGENT_JOB_OPTIONS, newId, objectKeys, webhookDeliveryId, type ApiParameterMap, type JobEvent, type RenderReportDocument, type WebhookEventType } from '@pertouch/contracts';
import type { Database, JobRecord, TenantRecord, WebhookDeliveryRecord } from '@pertouch/db';
import { resolveLabel } from '@pertouch/segmentation';
import type { MemoryObjectStore, ObjectStore } from '@pertouch/storage';
import { generateSecret } from '@pertouch/webhooks';
import type { Job, Queue } from 'bullmq';
import sharp from 'sharp';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from './app.js';
import type { LogLine } from './log.js';
import type { AgentOutcome } from './orchestrator.js';
import { samplePhoto, startPipeline, until, type Photo, type Pipeline } from './testing/pipeline.js';

let pipeline: Pipeline;
let db: Database;
let store: MemoryObjectStore;
let agent: Agent;
let agentQueue: Queue;
let segmenter: Pipeline['segmenter'];
let receiver: Server;
let hookBase: string;
let photo: Photo;
let logs: LogLine[];
let events: Map<string, JobEvent[]>;
/** Requests the local receiver got, by path. */
const received: { path: string; headers: IncomingHttpHeaders; body: string; status: number }[] = [];
const flakyFailures = new Map<string, number>();
/** Key prefixes whose reads fail for the agent (a storage outage), while every other service reads fine. */
const outages = new Set<string>();

/** /ok answers 200; /flaky/{name} 500 twice, then 200; /down always 500. */
function answer(url: string): number {
  if (url.startsWith('/ok')) return 200;
  if (url.startsWith('/flaky')) {
    const failed = flakyFailures.get(url) ?? 0;
    flakyFailures.set(url, failed + 1);
    return failed < 2 ? 500 : 200;
  }
  return 500;
}

beforeAll(async () => {
  photo = await samplePhoto('picosdeeuropa_by_Aitzol_Berasategi.jpg', 320);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answer(req.url ?? '/');
      received.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // The agent's view of the store, with injectable outages; everything else is the memory store.
  const agentStore = (shared: MemoryObjectStore): ObjectStore =>
    Object.assign(Object.create(shared) as MemoryObjectStore, {
      get: async (key: string) => {
        if ([...outages].some((p) => key.startsWith(p))) throw new Error('storage unavailable (injected outage)');
        return shared.get(key);
      },
    });
  pipeline = await startPipeline({ agentStore });
  ({ db, store, agent, agentQueue, segmenter, logs, events } = pipeline);
});

afterAll(async () => {
  await pipeline?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const tenant = (maxRunningJobs = 4) => pipeline.tenant(maxRunningJobs);
const image = (tenantId: string) => pipeline.image(tenantId, photo);
const submit = (t: TenantRecord, imageId: string, request: Record<string, unknown>, extra: { webhookUrl?: string; batchId?: string; id?: string } = {}) => pipeline.submit(t, imageId, request, extra);
const agentDone = (queueJobId: string): Promise<AgentOutcome> => pipeline.agentDone(queueJobId);
const finished = (t: TenantRecord, jobId: string): Promise<JobRecord> => pipeline.finished(t, jobId);
const segmentationOf = (tenantId: string) => pipeline.segmentationOf(tenantId);

async function reportOf(jobId: string): Promise<RenderReportDocument> {
  const reports = await pipeline.reports(jobId);
  expect(reports).toHaveLength(1);
  return reports[0];
}

async function deliveries(t: TenantRecord, settledOnly = true): Promise<WebhookDeliveryRecord[]> {
  const all = await db.webhookDeliveries.list(t.id);
  return settledOnly ? all.filter((d) => d.state !== 'pending') : all;
}

describe('agent pipeline (real Redis, Postgres, segmenter and renderer)', () => {
  let autoTenant: TenantRecord;
  let autoJob: string;

  it('an auto job goes queued → succeeded with one round, the result in storage and its events in order', async () => {
    autoTenant = await tenant();
    autoJob = await submit(autoTenant, await image(autoTenant.id), { auto: true, output: { format: 'png', quality: 90 } });
    const job = await finished(autoTenant, autoJob);
    expect(job).toMatchObject({ state: 'succeeded', stage: 'done', progress: 1, errorCode: null, resultFormat: 'png', resultWidth: photo.width, resultHeight: photo.height });
    expect(job.resultKey).toBe(objectKeys.round(autoTenant.id, job.imageId, autoJob, 1, 'png'));
    const result = await store.get(job.resultKey!);
    expect(result.length).toBe(job.resultBytes);
    expect((await sharp(result).metadata()).format).toBe('png');

    const [round] = await db.jobs.rounds(autoJob);
    expect(round.imageKey).toBe(job.resultKey);
    const report = await reportOf(autoJob);
    const map = round.map as { regions: { id: number; values: Record<string, number> }[] };
    expect(map.regions.map((r) => r.id)).toEqual(report.regions.map((r) => r.id));
    // auto renders the whole image as one region, to the corpus-median look.
    expect(report.regions).toHaveLength(1);
    expect(report.regions[0].target).toEqual({ colorfulness: 0, contrast: 0, temperature: 0, brightness: 0 });
    for (const r of report.regions) expect(map.regions.find((m) => m.id === r.id)!.values).toEqual(r.target);

    const seen = await until('the done event', async () => {
      const list = events.get(autoJob) ?? [];
      return list.some((e) => e.type === 'done') ? list : undefined;
    });
    // The agent's stage events, with the gpu-worker's own render progress between `progress:render` and the round.
    const renderSteps = seen.filter((e, i) => e.type === 'progress' && e.stage === 'render' && i > seen.findIndex((x) => x.stage === 'render'));
    expect(renderSteps.length).toBeGreaterThan(0);
    expect(seen.filter((e) => !renderSteps.includes(e)).map((e) => `${e.type}:${e.stage}`)).toEqual([
      'state:queued',
      'progress:segment',
      'progress:analyse',
      'progress:plan',
      'progress:render',
      'round:render',
      'progress:finalize',
      'state:done',
      'done:done',
    ]);
    expect(seen.map((e) => e.state)).toEqual([...Array(seen.length - 2).fill('running'), 'succeeded', 'succeeded']);
    const progress = seen.map((e) => e.progress);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(seen.find((e) => e.type === 'round')?.round).toBe(1);
    const done = seen.at(-1) as JobEvent & { durationMs?: number };
    expect(done.durationMs).toBeGreaterThan(0);
  });

  it('a re-delivered agent job of a finished job changes nothing', async () => {
    await agentQueue.add('agent', { tenantId: autoTenant.id, jobId: autoJob }, { ...DEFAULT_AGENT_JOB_OPTIONS, jobId: `${autoJob}-again` });
    expect(await agentDone(`${autoJob}-again`)).toEqual({ outcome: 'gone', state: 'succeeded' });
    expect(await db.jobs.rounds(autoJob)).toHaveLength(1);
    expect((await db.jobs.get(autoTenant.id, autoJob))?.state).toBe('succeeded');
  });

  it('explicit maps by id and by label edit exactly the regions they name', async () => {
    const t = await tenant();
    const imageId = await image(t.id);
    const first = await submit(t, imageId, { map: { global: { contrast: 0 } } });
    expect((await finished(t, first)).state).toBe('succeeded');
    const measured = (await reportOf(first)).regions;
    const biggest = [...measured].sort((a, b) => b.area - a.area)[0];

    // By id: only that region moves; global applies first, the region's own values win.
    const byId = await submit(t, imageId, { map: { global: { contrast: 0.1 }, regions: [{ id: biggest.id, values: { brightness: 0.35, contrast: -0.2 } }] } satisfies ApiParameterMap });
    expect((await finished(t, byId)).state).toBe('succeeded');
    const idReport = await reportOf(byId);
    for (const r of idReport.regions) {
      expect(r.target.contrast).toBe(r.id === biggest.id ? -0.2 : 0.1);
      expect(r.target.brightness).toBe(r.id === biggest.id ? 0.35 : r.asShot.brightness);
    }
    const edited = idReport.regions.find((r) => r.id === biggest.id)!;
    expect(Math.abs(edited.achieved.brightness - 0.35)).toBeLessThan(0.1);

    // By label: every region the vocabulary matches, and no other.
    const document = await segmentationOf(t.id);
    const label = document.regions.find((r) => r.id === biggest.id)!.label;
    const expected = resolveLabel(document, label).filter((id) => measured.some((m) => m.id === id));
    const byLabel = await submit(t, imageId, { map: { regions: [{ label, values: { colorfulness: -0.3 } }] } });
    expect((await finished(t, byLabel)).state).toBe('succeeded');
    const labelReport = await reportOf(byLabel);
    expect(labelReport.regions.filter((r) => r.edited).map((r) => r.id).sort()).toEqual([...expected].sort());
    for (const r of labelReport.regions) expect(r.target.colorfulness).toBe(expected.includes(r.id) ? -0.3 : r.asShot.colorfulness);
    const roundMap = (await db.jobs.rounds(byLabel))[0].map as { regions: { id: number; label?: string }[] };
    expect(roundMap.regions.find((r) => r.id === biggest.id)?.label).toBe(label);
  });

  it('a label that matches no region fails the job label_not_found, listing the labels', async () => {
    const t = await tenant();
    const imageId = await image(t.id);
    const probe = await submit(t, imageId, { auto: true });
    await finished(t, probe);
    const document = await segmentationOf(t.id);
    const absent = ['water', 'road', 'building', 'sky', 'vegetation', 'ground'].find((word) => resolveLabel(document, word).length === 0)!;
    const jobId = await submit(t, imageId, { map: { regions: [{ label: absent, values: { brightness: 0.5 } }] } });
    const job = await finished(t, jobId);
    expect(job.state).toBe('failed');
    expect(job.errorCode).toBe('label_not_found');
    for (const r of document.regions.slice(0, 2)) expect(job.errorMessage).toContain(r.label);
    expect(await db.jobs.rounds(jobId)).toEqual([]);
    expect(job.resultKey).toBeNull();
    const seen = await until('the failure events', async () => ((events.get(jobId) ?? []).some((e) => e.type === 'done') ? events.get(jobId) : undefined));
    expect(seen.slice(-2).map((e) => `${e.type}:${e.state}`)).toEqual(['state:failed', 'done:failed']);
    expect((seen.at(-1) as unknown as { error: { code: string } }).error.code).toBe('label_not_found');
  });

  it('an instruction the parser cannot read fails instruction_not_supported with its reason', async () => {
    const t = await tenant();
    const jobId = await submit(t, await image(t.id), { instruction: 'sharpen the photo' });
    expect(await finished(t, jobId)).toMatchObject({ state: 'failed', errorCode: 'instruction_not_supported', errorMessage: expect.stringContaining('[unsupported_edit]') });
    expect(await db.jobs.rounds(jobId)).toEqual([]);
  });

  it('a job cancelled mid-way stops: its state stays cancelled, no round, no result, and job.cancelled goes out once', async () => {
    const t = await tenant();
    const imageId = await image(t.id);
    await segmenter.worker.pause();
    try {
      const jobId = await submit(t, imageId, { auto: true }, { webhookUrl: `${hookBase}/ok/cancelled` });
      await until('the job waiting on its segmentation', async () => {
        const job = await db.jobs.get(t.id, jobId);
        return job?.state === 'running' && job.stage === 'segment' ? job : undefined;
      });
      expect(await db.jobs.transition(t.id, jobId, ['running'], 'cancelled')).toBeDefined();
      segmenter.worker.resume();
      // The segmentation's completion wakes the agent job, whose start finds the job cancelled.
      expect(await agentDone(jobId)).toEqual({ outcome: 'gone', state: 'cancelled' });
      const job = (await db.jobs.get(t.id, jobId))!;
      expect(job).toMatchObject({ state: 'cancelled', resultKey: null, errorCode: null });
      expect(await db.jobs.rounds(jobId)).toEqual([]);
      expect((events.get(jobId) ?? []).some((e) => e.type === 'done')).toBe(false);
      const [delivery] = await until('the cancel webhook', async () => ((await deliveries(t)).length === 1 ? deliveries(t) : undefined));
      expect(delivery).toMatchObject({ eventType: 'job.cancelled', state: 'delivered', id: webhookDeliveryId(t.id, jobId, 'job.cancelled', 'url') });
    } finally {
      segmenter.worker.resume();
    }
  });

  it('a busy tenant (maxRunningJobs 1) runs its batch one job at a time; batch.completed goes out once', async () => {
    const t = await tenant(1);
    const imageId = await image(t.id);
    const batchId = newId('batch');
    const ids = [newId('job'), newId('job'), newId('job')];
    await db.batches.create(
      { id: batchId, tenantId: t.id, request: { auto: true }, total: ids.length, webhookUrl: `${hookBase}/ok/batch` },
      ids.map((id) => ({ id, tenantId: t.id, imageId, request: { auto: true } })),
    );
    let maxRunning = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxRunning = Math.max(maxRunning, (await db.jobs.countByBatch(t.id, batchId)).running);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    for (const id of ids) await submit(t, imageId, { auto: true }, { id, batchId });
    const jobs = [];
    for (const id of ids) jobs.push(await finished(t, id));
    sampling = false;
    await sampler;
    expect(jobs.map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(maxRunning).toBe(1);
    const spans = jobs.map((j) => [j.startedAt!.getTime(), j.finishedAt!.getTime()]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    expect(logs.some((l) => l.event === 'agent.job_completed')).toBe(true);

    const batch = await db.batches.get(t.id, batchId);
    expect(batch?.state).toBe('completed');
    const [delivery] = await until('the batch webhook', async () => ((await deliveries(t)).length === 1 ? deliveries(t) : undefined));
    expect(delivery).toMatchObject({ eventType: 'batch.completed', state: 'delivered', id: webhookDeliveryId(t.id, batchId, 'batch.completed', 'url') });
    expect(delivery.payload).toMatchObject({ type: 'batch.completed', data: { id: batchId, state: 'completed', total: 3, counts: { succeeded: 3 } } });
  });
});

describe('agent pipeline: transient trouble', () => {
  it('an error on every attempt is retried, and the last attempt fails the job internal_error', async () => {
    const t = await tenant();
    outages.add(`tenants/${t.id}/segmentations/`);
    const jobId = newId('job');
    await db.jobs.create({ id: jobId, tenantId: t.id, imageId: await image(t.id), request: { auto: true }, webhookUrl: `${hookBase}/ok/${jobId_()}` });
    await agentQueue.add('agent', { tenantId: t.id, jobId }, { ...DEFAULT_AGENT_JOB_OPTIONS, attempts: 2, backoff: { type: 'fixed', delay: 100 }, jobId });
    const failed = await until('the agent job to fail', async () => {
      const j = (await agentQueue.getJob(jobId)) as Job | undefined;
      // Read the job again once failed: the copy fetched before may predate its last attempt.
      return (await j?.getState()) === 'failed' ? ((await agentQueue.getJob(jobId)) as Job) : undefined;
    });
    expect(failed.attemptsMade).toBe(2);
    expect(failed.failedReason).toMatch(/injected outage/);
    const job = (await db.jobs.get(t.id, jobId))!;
    expect(job).toMatchObject({ state: 'failed', errorCode: 'internal_error', stage: 'plan' });
    expect(job.errorMessage).toMatch(/after 2 attempts: storage unavailable/);
    const [delivery] = await until('the failure webhook', async () => ((await deliveries(t)).length === 1 ? deliveries(t) : undefined));
    expect(delivery).toMatchObject({ eventType: 'job.failed', state: 'delivered' });
  });

  it('a job whose agent job BullMQ gave up on (stalled too often) is failed internal_error, not left running', async () => {
    const t = await tenant();
    const jobId = newId('job');
    await db.jobs.create({ id: jobId, tenantId: t.id, imageId: await image(t.id), request: { auto: true } });
    expect((await db.jobs.start(t.id, jobId, 4)).kind).toBe('started');
    expect(await agent.orchestrator.abandon({ tenantId: t.id, jobId }, 'job stalled more than allowable limit')).toBe(true);
    expect(await db.jobs.get(t.id, jobId)).toMatchObject({ state: 'failed', errorCode: 'internal_error', errorMessage: expect.stringContaining('stalled') });
    await until('the done event', async () => ((events.get(jobId) ?? []).some((e) => e.type === 'done') ? true : undefined));
    // Once finished, it is left alone.
    expect(await agent.orchestrator.abandon({ tenantId: t.id, jobId }, 'again')).toBe(false);
  });
});

describe('webhooks (local receiver, allowlist 127.0.0.1)', () => {
  it('signs with the tenant’s secret (webhookUrl) and the endpoint’s; a 500 is retried until it is delivered, each attempt logged', async () => {
    const t = await tenant();
    const endpointSecret = generateSecret();
    const endpointId = newId('webhookEndpoint');
    await db.webhookEndpoints.create({ id: endpointId, tenantId: t.id, url: `${hookBase}/flaky/${endpointId}`, events: ['job.succeeded'], description: null, secret: endpointSecret });
    await db.webhookEndpoints.create({ id: newId('webhookEndpoint'), tenantId: t.id, url: `${hookBase}/ok/never`, events: ['job.failed'], description: null, secret: generateSecret() });
    const jobId = await submit(t, await image(t.id), { auto: true }, { webhookUrl: `${hookBase}/ok/${jobId_()}` });
    expect((await finished(t, jobId)).state).toBe('succeeded');

    const settled = await until('both deliveries', async () => ((await deliveries(t)).length === 2 ? deliveries(t) : undefined));
    const own = settled.find((d) => d.endpointId === null)!;
    const endpoint = settled.find((d) => d.endpointId === endpointId)!;
    expect(own).toMatchObject({ id: webhookDeliveryId(t.id, jobId, 'job.succeeded', 'url'), state: 'delivered', attempts: 1, lastStatus: 200 });
    expect(endpoint).toMatchObject({ id: webhookDeliveryId(t.id, jobId, 'job.succeeded', endpointId), state: 'delivered', attempts: 3, lastStatus: 200 });

    for (const [delivery, secret] of [
      [own, t.webhookSecret],
      [endpoint, endpointSecret],
    ] as const) {
      const requests = received.filter((r) => r.headers['webhook-id'] === delivery.id);
      expect(requests.length).toBe(delivery.attempts);
      for (const request of requests) {
        const verified = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: WebhookEventType; data: Record<string, unknown> };
        expect(verified.type).toBe('job.succeeded');
        expect(verified.data).toMatchObject({ id: jobId, object: 'job', state: 'succeeded', error: null, result: { url: `/v1/jobs/${jobId}/result`, format: 'jpeg' } });
      }
      // The other tenant-or-endpoint secret does not verify it.
      const other = secret === endpointSecret ? t.webhookSecret : endpointSecret;
      expect(() => new Webhook(other).verify(requests[0].body, requests[0].headers as Record<string, string>)).toThrow();
    }
    const attempts = logs.filter((l) => l.event === 'webhook.attempt' && l.deliveryId === endpoint.id);
    expect(attempts.map((l) => [l.attempt, l.ok, l.status])).toEqual([
      [1, false, 500],
      [2, false, 500],
      [3, true, 200],
    ]);
    expect(received.some((r) => r.path === '/ok/never')).toBe(false);
  });

  it('a receiver that keeps failing is given up after the last attempt (state failed, every attempt counted)', async () => {
    const t = await tenant();
    const jobId = await submit(t, await image(t.id), { instruction: 'sharpen it' }, { webhookUrl: `${hookBase}/down/${jobId_()}` });
    expect((await finished(t, jobId)).state).toBe('failed');
    const [delivery] = await until('the failed delivery', async () => ((await deliveries(t)).length === 1 ? deliveries(t) : undefined));
    expect(delivery).toMatchObject({ eventType: 'job.failed', state: 'failed', attempts: 3, lastStatus: 500, lastError: 'HTTP 500' });
    expect(received.filter((r) => r.headers['webhook-id'] === delivery.id)).toHaveLength(3);
    expect(delivery.payload).toMatchObject({ data: { id: jobId, state: 'failed', error: { code: 'instruction_not_supported' }, result: null } });
  });

  it('a URL on a private address outside the allowlist is refused without a request', async () => {
    const t = await tenant();
    const jobId = await submit(t, await image(t.id), { instruction: 'x' }, { webhookUrl: 'http://10.1.2.3/hook' });
    await finished(t, jobId);
    const [delivery] = await until('the refused delivery', async () => ((await deliveries(t)).length === 1 ? deliveries(t) : undefined));
    expect(delivery).toMatchObject({ state: 'failed', attempts: 1, lastStatus: null });
    expect(delivery.lastError).toMatch(/private or reserved/);
  });
});

/** A unique path segment, so receiver requests of different tests never mix. */
function jobId_(): string {
  return randomUUID().slice(0, 8);
}
