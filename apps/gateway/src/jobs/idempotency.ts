/** The `Idempotency-Key` header (IETF draft-ietf-httpapi-idempotency-key-header): optional, 1–255 visible ASCII characters. */
import { problem } from '../http/problem.js';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(header)) {
    throw problem('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters', { errors: [{ path: 'Idempotency-Key', message: 'invalid header' }] });
  }
  return header;
}
