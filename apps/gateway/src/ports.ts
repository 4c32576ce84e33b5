/**
 * The gateway's own ports: what the services need from Redis, BullMQ and image decoding,
 * as small interfaces (Postgres is libs/db's Database, storage libs/storage's ObjectStore).
 * infra/ holds the real adapters; tests may pass fakes through createGatewayApp.
 */
import type { AgentJob, InputFormat, JobDoneEvent, JobEvent, QueueName, WebhookJob } from '@pertouch/contracts';

export interface AgentQueue {
  /**
   * One BullMQ job per entry on queue `agent`, job id = the PerTouch job id, with
   * DEFAULT_AGENT_JOB_OPTIONS. Adding an id BullMQ still holds is a no-op, so enqueuing
   * again (an idempotent replay) is safe.
   */
  enqueue(jobs: readonly AgentJob[]): Promise<void>;
  /** Removes the agent job when no worker has taken it yet; true when it was removed. */
  removeWaiting(jobId: string): Promise<boolean>;
}

export interface WebhookQueue {
  /** One BullMQ job per logged delivery on queue `webhook` (job id = delivery id). */
  enqueue(jobs: readonly WebhookJob[]): Promise<void>;
}

/** BullMQ's getJobCounts per queue, read when /metrics is scraped. */
export interface QueueStats {
  jobCounts(): Promise<Readonly<Record<QueueName, Readonly<Record<string, number>>>>>;
}

export type Unsubscribe = () => Promise<void>;

/** Redis pub/sub of job events (contracts' jobEventsChannel). */
export interface JobEventBus {
  /** Resolves once the subscription is active: events published afterwards reach `onMessage`. */
  subscribe(jobId: string, onMessage: (message: string) => void): Promise<Unsubscribe>;
  publish(event: JobEvent | JobDoneEvent): Promise<void>;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets. */
  readonly resetSeconds: number;
}

export interface RateLimiter {
  /** Counts one request of the tenant against `limitPerMinute`. */
  consume(tenantId: string, limitPerMinute: number): Promise<RateLimitDecision>;
}

/** One dependency /readyz checks; `check` throws (or times out) when it is down. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface ProbedImage {
  readonly format: InputFormat;
  /** Upright (after EXIF orientation). */
  readonly width: number;
  readonly height: number;
}

/** Header-level inspection of an upload; throws ApiProblem (unsupported_format, invalid_image, image_too_large). */
export interface ImageProbe {
  probe(bytes: Buffer, maxPixels: number): Promise<ProbedImage>;
}

/** The webhook SSRF guard; throws ApiProblem `webhook_url_forbidden`. */
export interface WebhookTargetCheck {
  check(url: string): Promise<void>;
}

export interface SseOptions {
  /** Comment lines keep proxies from closing an idle stream. */
  readonly heartbeatMs: number;
}
