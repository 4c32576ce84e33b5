/**
 * `GET /v1/jobs/{id}/events` as Server-Sent Events. The order of operations is what
 * makes it lossless: subscribe to the job's channel FIRST, then read the job, so an
 * event published while the row is being read is buffered and relayed, never missed.
 * The stream opens with the current state (`state`), relays JobEventSchema events
 * (event name = `type`), sends a comment every heartbeat, and ends after the job reaches
 * a terminal state (a `done` event, or any event carrying a terminal state).
 */
import { Inject, Injectable } from '@nestjs/common';
import { JobDoneEventSchema, JobEventSchema, TERMINAL_JOB_STATES, type JobEvent } from '@pertouch/contracts';
import type { Database, JobRecord } from '@pertouch/db';
import { notFound, problem } from '../http/problem.js';
import type { GatewayResponse } from '../http/request.js';
import type { JobEventBus, SseOptions } from '../ports.js';
import { DATABASE, JOB_EVENTS, SSE_OPTIONS } from '../tokens.js';
import { OpenStreams } from './open-streams.js';

function stateEvent(job: JobRecord, type: JobEvent['type']): JobEvent {
  return { type, jobId: job.id, state: job.state, stage: job.stage, progress: job.progress, at: job.updatedAt.toISOString() };
}

function isFinal(event: JobEvent): boolean {
  return event.type === 'done' || TERMINAL_JOB_STATES.includes(event.state);
}

@Injectable()
export class JobEventStreams {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(JOB_EVENTS) private readonly events: JobEventBus,
    @Inject(SSE_OPTIONS) private readonly options: SseOptions,
    @Inject(OpenStreams) private readonly open: OpenStreams,
  ) {}

  /** Serves the stream on `res`; throws (before any byte is written) 404 for a job the tenant does not have. */
  async serve(tenantId: string, jobId: string, res: GatewayResponse): Promise<void> {
    const early: JobEvent[] = [];
    let deliver: (event: JobEvent) => void = (event) => early.push(event);
    let unsubscribe;
    try {
      unsubscribe = await this.events.subscribe(jobId, (message) => {
        const event = parseEvent(message, jobId);
        if (event) deliver(event);
      });
    } catch (error) {
      throw problem('service_unavailable', 'job events are unavailable right now; poll GET /v1/jobs/{id} or retry', { headers: { 'retry-after': '5' }, cause: error });
    }

    let job: JobRecord | undefined;
    try {
      job = await this.db.jobs.get(tenantId, jobId);
    } catch (error) {
      await unsubscribe();
      throw error;
    }
    if (!job) {
      await unsubscribe();
      throw notFound('job', jobId);
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and friends buffer responses by default; an event stream must not be.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();

    let ended = false;
    let heartbeat: NodeJS.Timeout | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      this.open.remove(end);
      void unsubscribe().catch(() => undefined);
      if (!res.writableEnded) res.end();
    };
    const write = (event: JobEvent) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    const send = (event: JobEvent) => {
      if (ended) return;
      write(event);
      if (isFinal(event)) end();
    };

    this.open.add(end);
    // The response closes when the client goes away (or the stream ended): stop relaying.
    res.on('close', end);
    res.on('error', end);
    res.write('retry: 3000\n\n');
    write(stateEvent(job, 'state'));
    if (TERMINAL_JOB_STATES.includes(job.state)) send(stateEvent(job, 'done'));
    for (const event of early.splice(0)) send(event);
    deliver = send;
    if (!ended) heartbeat = setInterval(() => res.write(': heartbeat\n\n'), this.options.heartbeatMs);
  }
}

/** A message from the channel as a JobEvent of this job; anything else is ignored (a bad publisher must not break streams). */
export function parseEvent(message: string, jobId: string): JobEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return undefined;
  }
  const parsed = JobEventSchema.safeParse(json);
  if (!parsed.success || parsed.data.jobId !== jobId) return undefined;
  // A `done` event keeps what JobDoneEventSchema adds (durationMs, error).
  const done = parsed.data.type === 'done' ? JobDoneEventSchema.safeParse(json) : undefined;
  return done?.success ? done.data : parsed.data;
}
