/**
 * Public resource ids: a type prefix and 26 base32 (Crockford, lower-case) characters
 * from a random 128-bit value, e.g. `job_01j9...`. The prefix makes a pasted id
 * self-describing; the randomness makes ids unguessable across tenants.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export const ID_PREFIXES = {
  image: 'img',
  job: 'job',
  batch: 'bat',
  apiKey: 'key',
  webhookEndpoint: 'whe',
  webhookDelivery: 'msg',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A new random id of the given kind (128 bits of randomness, 26 base32 characters). */
export function newId(kind: IdKind): string {
  let n = BigInt(`0x${randomBytes(16).toString('hex')}`);
  let out = '';
  for (let i = 0; i < 26; i++, n >>= 5n) out = ALPHABET[Number(n & 31n)] + out;
  return `${ID_PREFIXES[kind]}_${out}`;
}

/** Schema of one id kind; anything else (including another kind's id) is rejected. */
export function idSchema(kind: IdKind) {
  return z.string().regex(new RegExp(`^${ID_PREFIXES[kind]}_[0-9a-hjkmnp-tv-z]{26}$`), `must be a ${kind} id (${ID_PREFIXES[kind]}_…)`);
}

export const PublicImageIdSchema = idSchema('image');
export const JobIdSchema = idSchema('job');
export const BatchIdSchema = idSchema('batch');
export const WebhookEndpointIdSchema = idSchema('webhookEndpoint');
