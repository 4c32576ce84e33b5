import { DEFAULT_WEBHOOK_JOB_OPTIONS, type QueueJobOptions } from '@pertouch/contracts';
import { describe, expect, it } from 'vitest';
import { retryDelayMs, retrySchedule } from './index.js';

describe('retryDelayMs', () => {
  it('waits 30 s after the first failure and doubles each time', () => {
    expect(retryDelayMs(1)).toBe(30_000);
    expect(retryDelayMs(2)).toBe(60_000);
    expect(retryDelayMs(3)).toBe(120_000);
    expect(retryDelayMs(11)).toBe(30_000 * 1024);
  });

  it('stops after the contract’s 12 attempts, about 17 hours after the first', () => {
    expect(DEFAULT_WEBHOOK_JOB_OPTIONS.attempts).toBe(12);
    expect(retryDelayMs(12)).toBeNull();
    const schedule = retrySchedule();
    expect(schedule).toHaveLength(11);
    const totalHours = schedule.reduce((sum, ms) => sum + ms, 0) / 3_600_000;
    expect(totalHours).toBeCloseTo(61_410 / 3600, 6);
    expect(totalHours).toBeGreaterThan(16.9);
    expect(totalHours).toBeLessThan(17.2);
  });

  it('follows the options it is given (one source of truth), fixed backoff included', () => {
    const fixed: QueueJobOptions = { ...DEFAULT_WEBHOOK_JOB_OPTIONS, attempts: 3, backoff: { type: 'fixed', delay: 500 } };
    expect(retrySchedule(fixed)).toEqual([500, 500]);
    expect(retryDelayMs(3, fixed)).toBeNull();
  });

  it('refuses attempt numbers that are not 1-based whole numbers', () => {
    expect(() => retryDelayMs(0)).toThrow(RangeError);
    expect(() => retryDelayMs(1.5)).toThrow(RangeError);
  });
});
