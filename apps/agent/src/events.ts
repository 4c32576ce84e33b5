import { STAGE_PROGRESS, jobEventsChannel, type JobDoneEvent, type JobEvent } from '@pertouch/contracts';
import type { JobRecord } from '@pertouch/db';

export { STAGE_PROGRESS };

export function stageIndex(stage: string): number {
  const order = Object.keys(STAGE_PROGRESS);
  const i = order.indexOf(stage);
  return i < 0 ? -1 : i;
}

/** Publishes job events for the gateway to relay as SSE (Redis pub/sub: advisory, Postgres holds the truth). */
export interface JobEventPublisher {
  publish(event: JobEvent | JobDoneEvent): Promise<void>;
}

/** The subset of an ioredis client the publisher needs. */
export interface RedisPublisher {
  publish(channel: string, message: string): Promise<number>;
}

export function redisJobEvents(redis: RedisPublisher, queuePrefix: string): JobEventPublisher {
  return {
    async publish(event) {
      await redis.publish(jobEventsChannel(queuePrefix, event.jobId), JSON.stringify(event));
    },
  };
}

/** An event describing the job as it is now. */
export function jobEvent(type: JobEvent['type'], job: Pick<JobRecord, 'id' | 'state' | 'stage' | 'progress'>, extra: { round?: number } = {}): JobEvent {
  return { type, jobId: job.id, state: job.state, stage: job.stage, progress: job.progress, ...extra, at: new Date().toISOString() };
}

/** The last event of a finished job, with its duration from creation to finish. */
export function doneEvent(job: JobRecord): JobDoneEvent {
  const finished = job.finishedAt ?? new Date();
  return {
    ...jobEvent('done', job),
    type: 'done',
    durationMs: Math.max(0, finished.getTime() - job.createdAt.getTime()),
    ...(job.errorCode ? { error: { code: job.errorCode, message: job.errorMessage ?? '' } } : {}),
  };
}
