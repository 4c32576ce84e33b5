import { describe, expect, it } from 'vitest';
import { InvalidJobTransitionError } from '../errors.js';
import { assertTransitionAllowed, clampProgress, transitionStatement } from './job-transition.js';

describe('job transitions', () => {
  it('allows exactly the edges of JOB_TRANSITIONS', () => {
    expect(() => assertTransitionAllowed(['queued'], 'running')).not.toThrow();
    expect(() => assertTransitionAllowed(['queued', 'running'], 'cancelled')).not.toThrow();
    expect(() => assertTransitionAllowed(['queued', 'running'], 'succeeded')).toThrow(InvalidJobTransitionError);
    expect(() => assertTransitionAllowed(['failed'], 'queued')).toThrow(/failed → queued is not allowed/);
    expect(() => assertTransitionAllowed([], 'failed')).toThrow(InvalidJobTransitionError);
  });

  it('clamps progress into [0, 1]', () => {
    expect([clampProgress(-1), clampProgress(0.25), clampProgress(1.5), clampProgress(Number.NaN), clampProgress(Infinity)]).toEqual([0, 0.25, 1, 0, 1]);
  });

  it('stamps started_at / finished_at by target state and sets only given patch fields', () => {
    const running = transitionStatement('t', 'job_1', ['queued'], 'running', { stage: 'segment', errorCode: null });
    expect(running.text).toContain('started_at = now()');
    expect(running.text).not.toContain('finished_at');
    expect(running.text).toContain('stage = $5, error_code = $6');
    expect(running.values).toEqual(['t', 'job_1', ['queued'], 'running', 'segment', null]);
    const failed = transitionStatement('t', 'job_1', ['running'], 'failed');
    expect(failed.text).toContain('finished_at = now()');
    expect(failed.text).not.toContain('started_at');
  });
});
