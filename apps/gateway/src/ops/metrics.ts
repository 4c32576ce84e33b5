/**
 * Prometheus metrics of one gateway (its own prom-client Registry, so several apps in
 * one process — tests — never collide):
 *  - pertouch_gateway_http_requests_total / _http_request_duration_seconds by method,
 *    route template (e.g. /v1/jobs/:id, `unmatched` for unknown paths) and status;
 *  - pertouch_queue_jobs{queue,state}: BullMQ getJobCounts of agent/segment/render/webhook,
 *    read on each scrape;
 *  - pertouch_job_duration_seconds{state}: from `done` job events on Redis pub/sub
 *    (`{PERTOUCH_QUEUE_PREFIX}:job-events:*`): the field read is contracts' JobDoneEventSchema
 *    `durationMs` (job creation → terminal state, in ms), labelled by the event's `state`.
 *    Every replica observes every event, so aggregate this one with max/avg over
 *    instances, not sum.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueStats } from '../ports.js';

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  private readonly jobSeconds: Histogram<'state'>;

  constructor(queueStats: QueueStats, options: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'pertouch_gateway_http_requests_total', help: 'HTTP requests answered, by route template and status', labelNames: ['method', 'route', 'status'], registers });
    this.requestSeconds = new Histogram({
      name: 'pertouch_gateway_http_request_duration_seconds',
      help: 'HTTP request durations (to the end of the response), by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.jobSeconds = new Histogram({
      name: 'pertouch_job_duration_seconds',
      help: 'Job durations from creation to a terminal state (done events on Redis pub/sub), by final state',
      labelNames: ['state'],
      buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    const up = new Gauge({ name: 'pertouch_queue_stats_up', help: '1 when the last scrape could read the queue counts from Redis', registers });
    new Gauge({
      name: 'pertouch_queue_jobs',
      help: 'BullMQ jobs per queue and state, read at scrape time',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        try {
          const counts = await queueStats.jobCounts();
          for (const [queue, states] of Object.entries(counts)) for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
          up.set(1);
        } catch {
          up.set(0);
        }
      },
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }

  /** A raw job-event message; only `done` events with a numeric `durationMs` count. */
  observeJobEvent(message: string): void {
    let event: { type?: unknown; state?: unknown; durationMs?: unknown };
    try {
      event = JSON.parse(message) as typeof event;
    } catch {
      return;
    }
    if (event?.type !== 'done' || typeof event.durationMs !== 'number' || !Number.isFinite(event.durationMs) || event.durationMs < 0) return;
    this.jobSeconds.observe({ state: typeof event.state === 'string' ? event.state : 'unknown' }, event.durationMs / 1000);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
