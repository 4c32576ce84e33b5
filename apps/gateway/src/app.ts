/**
 * `createGatewayApp(deps)`: the whole HTTP application, wired but not listening. main.ts
 * passes the real database and object store; tests pass scratch ones (or fakes for the
 * image probe and DNS) and boot it on an ephemeral port. The app owns what it creates
 * from the settings — its Redis connections and BullMQ producers — and closes them in
 * close(); the database and the store belong to the caller.
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { LoggerService, Provider } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Database } from '@pertouch/db';
import type { MemoryRepository } from '@pertouch/memory';
import type { ObjectStore } from '@pertouch/storage';
import type { ResolveHost } from '@pertouch/webhooks';
import { GatewayModule } from './app.module.js';
import type { GatewaySettings } from './config.js';
import { ProblemFilter } from './http/problem.filter.js';
import { requestIdMiddleware, type GatewayRequest, type GatewayResponse } from './http/request.js';
import { imageIoProbe } from './images/image-probe.js';
import { BullmqQueues } from './infra/bullmq-queues.js';
import { RedisJobEventBus } from './infra/redis-job-events.js';
import { RedisRateLimiter } from './infra/redis-rate-limiter.js';
import { createRedisClients } from './infra/redis.js';
import { OpenStreams } from './jobs/open-streams.js';
import { stdoutLogger, type Logger } from './logger.js';
import { GatewayMetrics } from './ops/metrics.js';
import type { ImageProbe, ReadinessCheck } from './ports.js';
import {
  AGENT_QUEUE,
  DATABASE,
  IMAGE_PROBE,
  JOB_EVENTS,
  LOGGER,
  MEMORY,
  OBJECT_STORE,
  QUEUE_STATS,
  RATE_LIMITER,
  READINESS_CHECKS,
  SETTINGS,
  SSE_OPTIONS,
  WEBHOOK_QUEUE,
  WEBHOOK_TARGET_CHECK,
} from './tokens.js';
import { ssrfGuard } from './webhooks/webhook-target-check.js';

export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;

export interface GatewayDeps {
  readonly settings: GatewaySettings;
  readonly db: Database;
  readonly store: ObjectStore;
  /** The scene memory feedback and forget use (libs/memory); without it they answer 503. Owned by the caller. */
  readonly memory?: MemoryRepository;
  readonly log?: Logger;
  /** Default: libs/image-io. */
  readonly imageProbe?: ImageProbe;
  /** DNS for the webhook SSRF guard; default the system resolver. */
  readonly resolveHost?: ResolveHost;
  readonly sseHeartbeatMs?: number;
  /** Node process metrics (CPU, heap, event loop) on /metrics; main.ts turns them on. */
  readonly processMetrics?: boolean;
}

export interface GatewayApp {
  readonly nest: NestExpressApplication;
  readonly metrics: GatewayMetrics;
  /** Starts listening; resolves to the base URL (`http://127.0.0.1:PORT`). */
  listen(port: number, host?: string): Promise<string>;
  /**
   * Graceful stop: no new connections, open event streams ended, in-flight requests
   * finished (up to settings.shutdownTimeoutMs, then cut), then Redis and the queues
   * closed. Idempotent.
   */
  close(): Promise<void>;
}

/** JSON bodies everywhere but the upload route, whose body is the image whatever its Content-Type says. */
function parsesAsJson(req: GatewayRequest): boolean {
  if (/^\/v1\/images\/?(\?|$)/.test(req.url ?? '')) return false;
  return /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(req.headers['content-type'] ?? '');
}

/** Nest's own logs (route mapping, lifecycle) → our JSON lines; only warnings and errors. */
function nestLogger(log: Logger): LoggerService {
  const line = (level: 'warn' | 'error') => (message: unknown, ...rest: unknown[]) => log({ level, event: 'nest', message: String(message), context: rest.map(String).join(' ') || undefined });
  return { log: () => {}, warn: line('warn'), error: line('error'), debug: () => {}, verbose: () => {}, fatal: line('error') };
}

export async function createGatewayApp(deps: GatewayDeps): Promise<GatewayApp> {
  const { settings, db, store } = deps;
  const log = deps.log ?? stdoutLogger;
  const redis = createRedisClients(settings.redisUrl, log);
  const queues = new BullmqQueues(redis.command, settings.queuePrefix);
  const events = new RedisJobEventBus(redis.subscriber, redis.command, settings.queuePrefix);
  const metrics = new GatewayMetrics(queues, { processMetrics: deps.processMetrics ?? false });
  const openStreams = new OpenStreams();
  events.onAnyEvent((message) => metrics.observeJobEvent(message)).catch((error: Error) => log({ level: 'warn', event: 'events.psubscribe_failed', error: error.message }));

  const readinessChecks: ReadinessCheck[] = [
    {
      name: 'redis',
      async check() {
        // While ioredis is reconnecting a PING would just wait in its offline queue.
        if (redis.command.status !== 'ready') throw new Error(`redis connection is ${redis.command.status}`);
        await redis.command.ping();
      },
    },
    { name: 'postgres', check: () => db.ping() },
    { name: 'storage', check: () => store.ping() },
  ];
  const ports: Provider[] = [
    { provide: SETTINGS, useValue: settings },
    { provide: DATABASE, useValue: db },
    { provide: OBJECT_STORE, useValue: store },
    { provide: LOGGER, useValue: log },
    { provide: MEMORY, useValue: deps.memory ?? null },
    { provide: AGENT_QUEUE, useValue: queues },
    { provide: WEBHOOK_QUEUE, useValue: queues.webhookQueue },
    { provide: QUEUE_STATS, useValue: queues },
    { provide: JOB_EVENTS, useValue: events },
    { provide: RATE_LIMITER, useValue: new RedisRateLimiter(redis.command, settings.queuePrefix) },
    { provide: READINESS_CHECKS, useValue: readinessChecks },
    { provide: IMAGE_PROBE, useValue: deps.imageProbe ?? imageIoProbe() },
    { provide: WEBHOOK_TARGET_CHECK, useValue: ssrfGuard(settings.webhookAllowlist, log, deps.resolveHost) },
    { provide: SSE_OPTIONS, useValue: { heartbeatMs: deps.sseHeartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS } },
    { provide: GatewayMetrics, useValue: metrics },
    { provide: OpenStreams, useValue: openStreams },
  ];

  let nest: NestExpressApplication;
  try {
    nest = await NestFactory.create<NestExpressApplication>(GatewayModule.register(ports), { bodyParser: false, abortOnError: false, logger: nestLogger(log) });
  } catch (error) {
    await queues.close().catch(() => undefined);
    await redis.close();
    throw error;
  }
  nest.getHttpAdapter().getInstance().disable('x-powered-by');

  let draining = false;
  const inFlight = new Set<GatewayResponse>();
  nest.use(requestIdMiddleware);
  nest.use((req: GatewayRequest, res: GatewayResponse, next: () => void) => {
    // During shutdown every answer closes its connection, so keep-alive clients move on to another replica.
    if (draining) res.setHeader('connection', 'close');
    inFlight.add(res);
    const started = process.hrtime.bigint();
    res.once('close', () => {
      inFlight.delete(res);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route?.path ?? 'unmatched';
      metrics.observeRequest(req.method ?? 'GET', route, res.statusCode, seconds);
      // The access log: templates, not raw paths (ids stay out of log aggregation keys).
      log({
        event: 'http.request',
        requestId: req.requestId,
        method: req.method,
        route,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
        tenantId: req.auth?.tenant.id,
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });
    next();
  });
  nest.useBodyParser('json', { limit: settings.maxJsonBytes, type: parsesAsJson });
  nest.useGlobalFilters(new ProblemFilter(log));
  await nest.init();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      const server: Server = nest.getHttpServer();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      openStreams.closeAll();
      // server.close() only drops the connections idle at that moment; keep-alive ones
      // whose last response (an ended stream, a finishing request) completes later are
      // swept until the server is closed.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([closed.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), settings.shutdownTimeoutMs)))]);
      clearTimeout(timer);
      clearInterval(sweep);
      if (timedOut) {
        log({ level: 'warn', event: 'shutdown.timeout', timeoutMs: settings.shutdownTimeoutMs });
        server.closeAllConnections();
        await closed;
      }
      await nest.close();
      await queues.close().catch(() => undefined);
      await redis.close();
    })());

  return {
    nest,
    metrics,
    async listen(port: number, host = '127.0.0.1') {
      await nest.listen(port, host);
      const address = (nest.getHttpServer() as Server).address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${shownHost}:${address.port}`;
    },
    close,
  };
}
