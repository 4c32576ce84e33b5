/**
 * Authentication, scopes, request ids, and the problem+json envelope of errors that
 * come from outside the services (unknown routes, malformed and oversize JSON) — against
 * the real app on Redis, a scratch Postgres and a filesystem store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startHarness, type Harness, type TenantKey } from './testing/harness.js';

let h: Harness;
let acme: TenantKey;

beforeAll(async () => {
  h = await startHarness();
  acme = await h.tenant();
});
afterAll(async () => {
  await h?.close();
});

describe('authentication', () => {
  it('answers missing, malformed, unknown and revoked keys with the same 401', async () => {
    const revoked = await h.tenant();
    expect(await h.db.apiKeys.revoke(revoked.tenantId, revoked.keyId)).toBe(true);
    const unknownKey = `pt_live_${'A'.repeat(43)}`;
    const answers = [
      await h.api('/v1/images/img_00000000000000000000000000'),
      await h.api('/v1/images/img_00000000000000000000000000', { key: 'not-a-key' }),
      await h.api('/v1/images/img_00000000000000000000000000', { key: unknownKey }),
      await h.api('/v1/images/img_00000000000000000000000000', { headers: { authorization: `Bearer ${unknownKey}` } }),
      await h.api('/v1/images/img_00000000000000000000000000', { key: revoked.key }),
    ];
    const details = new Set<string>();
    for (const response of answers) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const problem = await problemOf(response);
      expect(problem.code).toBe('unauthenticated');
      details.add(problem.detail);
    }
    expect(details.size).toBe(1);
  });

  it('accepts the key as x-api-key or as a Bearer token', async () => {
    const viaHeader = await h.api('/v1/webhook-endpoints', { key: acme.key });
    const viaBearer = await h.api('/v1/webhook-endpoints', { headers: { authorization: `Bearer ${acme.key}` } });
    expect(viaHeader.status).toBe(200);
    expect(viaBearer.status).toBe(200);
    expect(await viaBearer.json()).toEqual({ object: 'list', data: [] });
  });

  it('refuses a route whose scope the key lacks (403 forbidden_scope)', async () => {
    const readOnly = await h.tenant({ scopes: ['images:read', 'jobs:read'] });
    const response = await h.api('/v1/webhook-endpoints', { key: readOnly.key });
    expect(response.status).toBe(403);
    expect((await problemOf(response)).code).toBe('forbidden_scope');
    const create = await h.api('/v1/jobs', { key: readOnly.key, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect((await problemOf(create)).code).toBe('forbidden_scope');
  });
});

describe('request ids', () => {
  it('echoes a sane x-request-id and puts it in problems', async () => {
    const response = await h.api('/v1/nothing-here', { headers: { 'x-request-id': 'trace-123.abc' } });
    expect(response.headers.get('x-request-id')).toBe('trace-123.abc');
    expect((await problemOf(response)).requestId).toBe('trace-123.abc');
  });

  it('replaces an unsafe one with a generated id', async () => {
    const response = await h.api('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const plain = await h.api('/healthz');
    expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(plain.headers.get('x-request-id')).not.toBe(id);
  });
});

describe('errors outside the services are problems too', () => {
  it('unknown routes: 404 not_found', async () => {
    for (const [method, path] of [['GET', '/nope'], ['POST', '/v1/jobs/job_x/explode'], ['DELETE', '/v1/images']] as const) {
      const response = await h.api(path, { method, key: acme.key });
      expect(response.status).toBe(404);
      expect((await problemOf(response)).code).toBe('not_found');
    }
  });

  it('malformed JSON: 400 invalid_json', async () => {
    const response = await h.api('/v1/jobs', { key: acme.key, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"imageId": ' });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).code).toBe('invalid_json');
  });

  it('oversize JSON: 413 payload_too_large', async () => {
    const body = JSON.stringify({ instruction: 'x'.repeat(h.settings.maxJsonBytes) });
    const response = await h.api('/v1/jobs', { key: acme.key, method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
    expect((await problemOf(response)).code).toBe('payload_too_large');
  });

  it('invalid bodies: 400 validation_failed with one errors[] entry per field', async () => {
    const response = await h.api('/v1/jobs', {
      key: acme.key,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ imageId: 'nope', map: { global: { brightness: 3 } }, extra: 1 }),
    });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.code).toBe('validation_failed');
    const paths = problem.errors!.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['imageId', 'map.global.brightness']));
    const notJson = await h.api('/v1/jobs', { key: acme.key, method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect((await problemOf(notJson)).code).toBe('validation_failed');
  });
});
