/**
 * Every BullMQ queue between PerTouch services, named once. Producers and workers import
 * these names; nobody spells a queue name as a string literal elsewhere.
 */
export const QUEUE_NAMES = {
  segment: 'segment',
  render: 'render',
  agent: 'agent',
  webhook: 'webhook',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/**
 * Producer-side job options (a structural subset of BullMQ's `JobsOptions`, so this
 * library needs no BullMQ dependency). Retries and backoff are decided by whoever
 * enqueues a job; workers only decide whether a failure is worth retrying at all
 * (an unrecoverable failure is never retried, whatever `attempts` says).
 */
export interface QueueJobOptions {
  /** Total tries, the first one included. */
  readonly attempts: number;
  /** Delay before retry n (1-based) is `delay × 2^(n−1)` ms for 'exponential'. */
  readonly backoff: { readonly type: 'exponential' | 'fixed'; readonly delay: number };
  /** Completed jobs are kept this long (seconds) / this many, for inspection. */
  readonly removeOnComplete: { readonly age: number; readonly count: number };
  /** Failed jobs are kept this long (seconds) / this many, so failures can be read. */
  readonly removeOnFail: { readonly age: number; readonly count: number };
}

/**
 * BullMQ key prefix shared by every service (env `PERTOUCH_QUEUE_PREFIX`, default
 * `pertouch`). Braces are allowed so a Redis Cluster deployment can hash-tag it
 * (`{pertouch}`): BullMQ's scripts touch several keys of a queue at once, which Redis
 * Cluster allows only when they share a slot.
 */
export const QUEUE_PREFIX_PATTERN = /^(?:[A-Za-z0-9_-]{1,64}|\{[A-Za-z0-9_-]{1,62}\})$/;
export const DEFAULT_QUEUE_PREFIX = 'pertouch';
