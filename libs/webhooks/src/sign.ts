/**
 * Signing (https://www.standardwebhooks.com/): `webhook-signature` is `v1,` + base64 of
 * HMAC-SHA256(key, "{id}.{timestamp}.{body}"), the timestamp in unix seconds.
 */
import { createHmac } from 'node:crypto';
import { decodeSecret } from './secret.js';
import type { WebhookHeaders } from './headers.js';

export interface SignWebhookInput {
  /** The message id; the same on every retry of one delivery, so receivers can de-duplicate. */
  readonly id: string;
  /** Unix seconds; default now. A retry is signed again with its own time. */
  readonly timestamp?: number;
  /** The exact bytes sent; a string is signed as its UTF-8 bytes. */
  readonly body: string | Uint8Array;
  /** `whsec_…`; several while a secret is rotated: one signature each, so old and new both verify. */
  readonly secret: string | readonly string[];
}

/** base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` with one key. */
export function computeSignature(key: Uint8Array, id: string, timestamp: number, body: string | Uint8Array): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The three headers to send with `body`. */
export function signWebhook(input: SignWebhookInput): WebhookHeaders {
  const timestamp = input.timestamp ?? nowSeconds();
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError('timestamp must be whole unix seconds');
  // The id is part of the signed text and of a header value: a "." or a space would make it ambiguous.
  if (!/^[\x21-\x7e]{1,256}$/.test(input.id)) throw new TypeError('webhook id must be 1–256 visible ASCII characters');
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  if (secrets.length === 0) throw new TypeError('at least one webhook secret is needed');
  const signatures = secrets.map((secret) => `v1,${computeSignature(decodeSecret(secret), input.id, timestamp, input.body)}`);
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}
