/**
 * Verifying a Standard Webhooks request: the receiver's side, used by our own tests and
 * by anyone who receives PerTouch webhooks in TypeScript without the reference package.
 */
import { timingSafeEqual } from 'node:crypto';
import { WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, readHeader, type HeaderSource } from './headers.js';
import { decodeSecret } from './secret.js';
import { computeSignature, nowSeconds } from './sign.js';

/** Five minutes either way, the Standard Webhooks default: bounds how long a captured request can be replayed. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type WebhookVerificationFailure = 'missing_headers' | 'invalid_timestamp' | 'timestamp_too_old' | 'timestamp_too_new' | 'no_matching_signature';

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookVerificationFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifyWebhookOptions {
  readonly toleranceSeconds?: number;
  /** Unix seconds to judge the timestamp against; default now (tests pin it). */
  readonly now?: number;
}

export interface VerifiedWebhook {
  readonly id: string;
  readonly timestamp: number;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // The length of a base64 HMAC-SHA256 is public (44); only the bytes need a constant-time compare.
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks the headers against `body` (the raw bytes received, before any JSON parsing)
 * and returns the message id and timestamp; throws WebhookVerificationError otherwise.
 * `secret` may list several while rotating; the header may carry several `v1,…`
 * signatures separated by spaces, and one match is enough. Other versions are ignored.
 */
export function verifyWebhook(headers: HeaderSource, body: string | Uint8Array, secret: string | readonly string[], options: VerifyWebhookOptions = {}): VerifiedWebhook {
  const id = readHeader(headers, WEBHOOK_ID_HEADER);
  const timestampText = readHeader(headers, WEBHOOK_TIMESTAMP_HEADER);
  const signatureText = readHeader(headers, WEBHOOK_SIGNATURE_HEADER);
  if (!id || !timestampText || !signatureText) throw new WebhookVerificationError('missing_headers', 'missing webhook-id, webhook-timestamp or webhook-signature');

  if (!/^\d{1,12}$/.test(timestampText)) throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp must be unix seconds');
  const timestamp = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.now ?? nowSeconds();
  if (now - timestamp > tolerance) throw new WebhookVerificationError('timestamp_too_old', 'webhook timestamp is too old');
  if (timestamp - now > tolerance) throw new WebhookVerificationError('timestamp_too_new', 'webhook timestamp is in the future');

  const keys = (typeof secret === 'string' ? [secret] : secret).map(decodeSecret);
  const expected = keys.map((key) => computeSignature(key, id, timestamp, body));
  const offered = signatureText
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3));
  // Every pair is compared (no early exit), so timing says nothing about which one matched.
  let matched = false;
  for (const candidate of offered) for (const signature of expected) matched = sameText(candidate, signature) || matched;
  if (!matched) throw new WebhookVerificationError('no_matching_signature', 'no webhook signature matches');
  return { id, timestamp };
}
