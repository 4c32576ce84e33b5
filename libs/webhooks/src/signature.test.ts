import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { decodeSecret, generateSecret, signWebhook, verifyWebhook, WebhookVerificationError, type WebhookVerificationFailure } from './index.js';

const body = JSON.stringify({ type: 'job.succeeded', timestamp: '2025-01-01T00:00:00.000Z', data: { jobId: 'job_1', note: 'crème brûlée ✓' } });
const id = 'msg_2zb7x0m9k4q6r8t1v3w5y7z9ab';

function failure(fn: () => unknown): WebhookVerificationFailure | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('generateSecret', () => {
  it('makes whsec_ + base64 of 32 random bytes that the reference library accepts', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(decodeSecret(secret)).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
    expect(() => new Webhook(secret)).not.toThrow();
  });

  it('refuses secrets that are not base64 or too short, instead of using a different key', () => {
    expect(() => decodeSecret('whsec_not base64!')).toThrow(TypeError);
    expect(() => decodeSecret('whsec_' + Buffer.alloc(8).toString('base64'))).toThrow(/24 to 64 bytes/);
  });
});

describe('signWebhook', () => {
  it('produces headers the standardwebhooks package verifies, and the same signature it computes', () => {
    const secret = generateSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signWebhook({ id, timestamp, body, secret });
    expect(headers['webhook-id']).toBe(id);
    expect(headers['webhook-timestamp']).toBe(String(timestamp));
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign(id, new Date(timestamp * 1000), body));
  });

  it('signs a byte body exactly like the same text', () => {
    const secret = generateSecret();
    const asText = signWebhook({ id, timestamp: 1_700_000_000, body, secret });
    const asBytes = signWebhook({ id, timestamp: 1_700_000_000, body: new TextEncoder().encode(body), secret });
    expect(asBytes).toEqual(asText);
  });

  it('signs with every secret during a rotation, so receivers holding either verify', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const headers = signWebhook({ id, body, secret: [oldSecret, newSecret] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, { ...headers })).toThrow();
  });

  it('refuses ids that would make the signed text or the header ambiguous', () => {
    expect(() => signWebhook({ id: 'a b', body, secret: generateSecret() })).toThrow(/webhook id/);
    expect(() => signWebhook({ id: '', body, secret: generateSecret() })).toThrow(/webhook id/);
  });
});

describe('verifyWebhook', () => {
  const secret = generateSecret();
  const reference = new Webhook(secret);
  const now = 1_750_000_000;
  const theirs = (timestamp = now, payload = body) => ({
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': reference.sign(id, new Date(timestamp * 1000), payload),
  });

  it("accepts the reference library's signature and returns the id and timestamp", () => {
    expect(verifyWebhook(theirs(), body, secret, { now })).toEqual({ id, timestamp: now });
  });

  it('accepts Node-style, any-case and fetch Headers containers', () => {
    const upper = Object.fromEntries(Object.entries(theirs()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(() => verifyWebhook(upper, body, secret, { now })).not.toThrow();
    expect(() => verifyWebhook(new Headers(theirs()), Buffer.from(body), secret, { now })).not.toThrow();
  });

  it('rejects a tampered body', () => {
    expect(failure(() => verifyWebhook(theirs(), body.replace('job_1', 'job_2'), secret, { now }))).toBe('no_matching_signature');
  });

  it('rejects a timestamp changed after signing', () => {
    const headers = { ...theirs(), 'webhook-timestamp': String(now + 1) };
    expect(failure(() => verifyWebhook(headers, body, secret, { now }))).toBe('no_matching_signature');
  });

  it('rejects old and future timestamps beyond the tolerance, accepts them within', () => {
    expect(failure(() => verifyWebhook(theirs(now - 301), body, secret, { now }))).toBe('timestamp_too_old');
    expect(failure(() => verifyWebhook(theirs(now + 301), body, secret, { now }))).toBe('timestamp_too_new');
    expect(failure(() => verifyWebhook(theirs(now - 300), body, secret, { now }))).toBeUndefined();
    expect(failure(() => verifyWebhook(theirs(now - 301), body, secret, { now, toleranceSeconds: 600 }))).toBeUndefined();
  });

  it('uses the real clock by default', () => {
    expect(failure(() => verifyWebhook(theirs(now), body, secret))).toBe('timestamp_too_old');
    const current = Math.floor(Date.now() / 1000);
    expect(failure(() => verifyWebhook(theirs(current), body, secret))).toBeUndefined();
  });

  it('rejects another secret, missing headers and malformed timestamps', () => {
    expect(failure(() => verifyWebhook(theirs(), body, generateSecret(), { now }))).toBe('no_matching_signature');
    const { 'webhook-signature': _dropped, ...unsigned } = theirs();
    expect(failure(() => verifyWebhook(unsigned, body, secret, { now }))).toBe('missing_headers');
    expect(failure(() => verifyWebhook({ ...theirs(), 'webhook-timestamp': '1.75e9' }, body, secret, { now }))).toBe('invalid_timestamp');
  });

  it('accepts any one matching signature among several, and ignores other versions', () => {
    const valid = theirs()['webhook-signature'];
    const wrong = signWebhook({ id, timestamp: now, body, secret: generateSecret() })['webhook-signature'];
    const signatureOnly = (signature: string) => ({ ...theirs(), 'webhook-signature': signature });
    expect(failure(() => verifyWebhook(signatureOnly(`${wrong} ${valid}`), body, secret, { now }))).toBeUndefined();
    expect(failure(() => verifyWebhook(signatureOnly(`${wrong} v1a,${valid.slice(3)}`), body, secret, { now }))).toBe('no_matching_signature');
  });

  it('accepts a message signed for a rotated-out secret while the receiver still lists it', () => {
    const oldSecret = generateSecret();
    const headers = signWebhook({ id, timestamp: now, body, secret: oldSecret });
    expect(failure(() => verifyWebhook(headers, body, [secret, oldSecret], { now }))).toBeUndefined();
    expect(failure(() => verifyWebhook(headers, body, [secret], { now }))).toBe('no_matching_signature');
  });
});
