/**
 * Test support (not part of the build): boots the real gateway in-process on an
 * ephemeral port against the machine's Redis (a unique BullMQ prefix per harness, its
 * keys deleted afterwards), a scratch Postgres database (libs/db) and a filesystem
 * object store in a temp directory — or any store a test passes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { QUEUE_NAMES, newId, type AgentJob } from '@pertouch/contracts';
import { API_KEY_SCOPES, createScratchDatabase, type ApiKeyScope, type Database, type NewTenant, type ScratchDatabase } from '@pertouch/db';
import { FsObjectStore, type ObjectStore } from '@pertouch/storage';
import { EMPTY_ALLOWLIST, generateSecret, type ResolveHost } from '@pertouch/webhooks';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createGatewayApp, type GatewayApp, type GatewayDeps } from '../app.js';
import { generateApiKey } from '../auth/api-keys.js';
import type { GatewaySettings } from '../config.js';
import type { LogLine } from '../logger.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

/** Public addresses for made-up hosts; everything else does not resolve (no network in tests). */
export const FAKE_DNS: Readonly<Record<string, string>> = {
  'hooks.example.com': '93.184.216.34',
  'internal.example.com': '10.1.2.3',
  'metadata.example.com': '169.254.169.254',
};

export const fakeResolve: ResolveHost = async (host) => {
  const address = FAKE_DNS[host];
  if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return [{ address, family: 4 }];
};

export interface TenantKey {
  readonly tenantId: string;
  readonly key: string;
  readonly keyId: string;
}

export interface Harness {
  readonly url: string;
  readonly app: GatewayApp;
  readonly db: Database;
  /** The scratch database's URL (for pertouch-admin's DATABASE_URL). */
  readonly databaseUrl: string;
  readonly store: ObjectStore;
  readonly settings: GatewaySettings;
  readonly prefix: string;
  /** A plain Redis client for the test itself (publishing events, inspecting keys). */
  readonly redis: Redis;
  readonly logs: LogLine[];
  /** A BullMQ Queue on `name` under this harness's prefix, to read what the gateway enqueued. */
  queue(name: string): Queue;
  tenant(options?: Partial<Omit<NewTenant, 'id' | 'webhookSecret'>> & { scopes?: readonly ApiKeyScope[]; id?: string }): Promise<TenantKey>;
  /** fetch(url + path) with the key as x-api-key. */
  api(path: string, init?: RequestInit & { key?: string }): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly settings?: Partial<GatewaySettings>;
  /** Default: a FsObjectStore in a temp directory. */
  readonly store?: ObjectStore;
  readonly deps?: Partial<Omit<GatewayDeps, 'settings' | 'db' | 'store'>>;
  /** Share a scratch database between harnesses of one file (closed by its creator). */
  readonly scratch?: ScratchDatabase;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const prefix = `pt-gw-test-${randomUUID().slice(0, 8)}`;
  const scratch = options.scratch ?? (await createScratchDatabase());
  const storeDir = options.store ? undefined : await mkdtemp(path.join(os.tmpdir(), 'pertouch-gateway-'));
  const store = options.store ?? new FsObjectStore({ root: storeDir! });
  const settings: GatewaySettings = {
    redisUrl: REDIS_URL,
    queuePrefix: prefix,
    maxUploadBytes: MAX_UPLOAD_BYTES,
    maxJsonBytes: 64 * 1024,
    maxPixels: 50_000_000,
    publicUrl: 'http://gateway.test',
    resultRedirect: false,
    resultUrlTtlSeconds: 300,
    webhookAllowlist: EMPTY_ALLOWLIST,
    shutdownTimeoutMs: 2_000,
    ...options.settings,
  };
  const logs: LogLine[] = [];
  const app = await createGatewayApp({ settings, db: scratch.db, store, log: (line) => logs.push(line), resolveHost: fakeResolve, ...options.deps });
  const url = await app.listen(0, '127.0.0.1');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const queues: Queue[] = [];

  return {
    url,
    app,
    db: scratch.db,
    databaseUrl: scratch.url,
    store,
    settings,
    prefix,
    redis,
    logs,
    queue(name) {
      const queue = new Queue(name, { connection: { url: REDIS_URL }, prefix });
      queues.push(queue);
      return queue;
    },
    async tenant(tenantOptions = {}) {
      const tenantId = tenantOptions.id ?? `t-${randomUUID().slice(0, 12)}`;
      const { scopes, id: _id, ...rest } = tenantOptions;
      await scratch.db.tenants.create({ id: tenantId, name: tenantId, webhookSecret: generateSecret(), ...rest });
      const secret = generateApiKey();
      const keyId = newId('apiKey');
      await scratch.db.apiKeys.create({ id: keyId, tenantId, name: 'test', prefix: secret.prefix, keyHash: secret.hash, scopes: scopes ?? [...API_KEY_SCOPES] });
      return { tenantId, key: secret.key, keyId };
    },
    api(pathname, init = {}) {
      const { key, headers, ...rest } = init;
      return fetch(url + pathname, { ...rest, headers: { ...(key ? { 'x-api-key': key } : {}), ...(headers as Record<string, string> | undefined) } });
    },
    async close() {
      await app.close();
      await Promise.all(queues.map((q) => q.close()));
      // Everything this harness left in Redis: its queues and rate-limit counters.
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
      if (!options.scratch) await scratch.drop();
      if (storeDir) await rm(storeDir, { recursive: true, force: true });
    },
  };
}

/** The agent job the gateway added for `jobId`, as BullMQ stores it. */
export async function agentJobOf(h: Harness, jobId: string): Promise<{ name: string; data: AgentJob; opts: Record<string, unknown>; state: string } | undefined> {
  const queue = h.queue(QUEUE_NAMES.agent);
  const job = await queue.getJob(jobId);
  if (!job) return undefined;
  return { name: job.name, data: job.data as AgentJob, opts: job.opts as Record<string, unknown>, state: await job.getState() };
}

/** Reads a problem+json answer, checking the envelope every error shares. */
export async function problemOf(response: Response): Promise<{ status: number; code: string; detail: string; requestId?: string; errors?: { path: string; message: string }[]; [k: string]: unknown }> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`expected application/problem+json, got ${response.status} ${type}: ${(await response.text()).slice(0, 300)}`);
  const body = (await response.json()) as { status: number; code: string; detail: string; type: string; title: string };
  if (body.status !== response.status || body.type !== `https://pertouch.dev/problems/${body.code}` || typeof body.title !== 'string' || typeof body.detail !== 'string') {
    throw new Error(`malformed problem document: ${JSON.stringify(body)}`);
  }
  return body;
}
