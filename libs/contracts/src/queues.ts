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
