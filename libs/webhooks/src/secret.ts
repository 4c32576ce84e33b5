/**
 * Endpoint secrets in the Standard Webhooks form `whsec_<base64>`: the part after the
 * prefix is the HMAC key, base64-encoded. 32 random bytes, like the reference libraries.
 */
import { randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;
/** The spec's range for HMAC keys: shorter ones weaken the signature. */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new endpoint secret, `whsec_` + base64 of 32 random bytes. Shown to the tenant once. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key of a `whsec_…` secret (the prefix is optional, as in the reference libraries). */
export function decodeSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // Buffer.from(…, 'base64') silently skips junk, so a typo would give a different key.
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) throw new TypeError('webhook secret must be whsec_ followed by base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) throw new TypeError(`webhook secret must hold ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes`);
  return key;
}
