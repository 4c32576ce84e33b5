/** The small pure pieces: key handling, canonical request hashing, event parsing, exception mapping. */
import { BadRequestException, HttpException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, generateApiKey, hashApiKey, presentedApiKey } from './auth/api-keys.js';
import { toApiProblem } from './http/problem.filter.js';
import { requestIdOf } from './http/request.js';
import { limiter } from './images/image-probe.js';
import { canonicalJson } from './jobs/canonical-json.js';
import { parseEvent } from './jobs/job-event-stream.js';

describe('API keys', () => {
  it('are pt_live_ + 43 base64url characters; only the SHA-256 and a prefix are kept', () => {
    const a = generateApiKey();
    expect(a.key).toMatch(API_KEY_PATTERN);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.key.startsWith(a.prefix)).toBe(true);
    expect(a.prefix.length).toBeLessThan(20);
    expect(generateApiKey().key).not.toBe(a.key);
  });

  it('come from x-api-key or a Bearer token', () => {
    expect(presentedApiKey({ 'x-api-key': ' k1 ' })).toBe('k1');
    expect(presentedApiKey({ authorization: 'Bearer k2' })).toBe('k2');
    expect(presentedApiKey({ authorization: 'bearer  k3 ' })).toBe('k3');
    expect(presentedApiKey({ authorization: 'Basic abc' })).toBeUndefined();
    expect(presentedApiKey({})).toBeUndefined();
  });
});

describe('canonicalJson', () => {
  it('ignores key order and undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: undefined } })).toBe(canonicalJson({ a: { d: [2, { x: 0, y: 1 }] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});

describe('parseEvent', () => {
  const jobId = 'job_0123456789abcdefghjkmnpqrs';
  const base = { jobId, state: 'running', stage: 'render', progress: 0.5, at: '2026-01-01T00:00:00.000Z' };
  it('accepts this job\'s JobEvents and keeps what a done event adds', () => {
    expect(parseEvent(JSON.stringify({ ...base, type: 'progress' }), jobId)).toEqual({ ...base, type: 'progress' });
    expect(parseEvent(JSON.stringify({ ...base, type: 'done', state: 'failed', durationMs: 12, error: { code: 'render_failed', message: 'x' } }), jobId)).toMatchObject({ durationMs: 12, error: { code: 'render_failed' } });
  });
  it('ignores anything else', () => {
    expect(parseEvent('{', jobId)).toBeUndefined();
    expect(parseEvent(JSON.stringify({ ...base, type: 'progress', state: 'sleeping' }), jobId)).toBeUndefined();
    expect(parseEvent(JSON.stringify({ ...base, type: 'progress', jobId: 'job_zzzzzzzzzzzzzzzzzzzzzzzzzz' }), jobId)).toBeUndefined();
  });
});

describe('toApiProblem', () => {
  it('maps framework exceptions to stable codes and hides unexpected ones', () => {
    expect(toApiProblem(new NotFoundException('Cannot GET /x')).problem.code).toBe('not_found');
    expect(toApiProblem(new PayloadTooLargeException()).problem.code).toBe('payload_too_large');
    expect(toApiProblem(new BadRequestException('Unexpected field')).problem.code).toBe('validation_failed');
    const parse = new BadRequestException('Unexpected token', { cause: Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed' }) });
    expect(toApiProblem(parse).problem.code).toBe('invalid_json');
    const crash = toApiProblem(new Error('password=hunter2 at db.ts:12'));
    expect(crash).toMatchObject({ unexpected: true, problem: { code: 'internal_error', status: 500, message: 'internal error' } });
    expect(toApiProblem(new HttpException('boom', 502)).problem.code).toBe('internal_error');
  });
});

describe('requestIdOf', () => {
  it('keeps sane ids and replaces the rest', () => {
    expect(requestIdOf('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(requestIdOf('x'.repeat(129))).not.toBe('x'.repeat(129));
    expect(requestIdOf('a\nb')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf(['a', 'b'])).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('limiter', () => {
  it('runs at most n at once, in order', async () => {
    const slot = limiter(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        slot(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push(i);
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });
});
