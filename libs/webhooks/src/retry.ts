/**
 * When a failed delivery is tried again. The schedule is BullMQ's exponential backoff
 * with the numbers of DEFAULT_WEBHOOK_JOB_OPTIONS (the producer's options are the one
 * source of truth; this only explains them): the delay after failed attempt n is
 * 30 s × 2^(n−1) — 30 s, 1 min, 2 min, 4 min, … 8.5 h — and after the 12th attempt the
 * delivery is given up, about 17 h (30 s × (2^11 − 1) = 61 410 s) after the first.
 */
import { DEFAULT_WEBHOOK_JOB_OPTIONS, type QueueJobOptions } from '@pertouch/contracts';

/**
 * Milliseconds between failed attempt `attempt` (1-based) and the next one, or null when
 * that was the last attempt. Same formula as BullMQ (`delay × 2^(attemptsMade − 1)`).
 */
export function retryDelayMs(attempt: number, options: QueueJobOptions = DEFAULT_WEBHOOK_JOB_OPTIONS): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError('attempt must be a whole number from 1');
  if (attempt >= options.attempts) return null;
  const { type, delay } = options.backoff;
  return type === 'fixed' ? delay : delay * 2 ** (attempt - 1);
}

/** Every delay of the schedule, in order (attempts − 1 of them). */
export function retrySchedule(options: QueueJobOptions = DEFAULT_WEBHOOK_JOB_OPTIONS): readonly number[] {
  return Array.from({ length: options.attempts - 1 }, (_, i) => retryDelayMs(i + 1, options) ?? 0);
}
