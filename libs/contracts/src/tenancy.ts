import { z } from 'zod';

/**
 * A tenant id: lower-case letters, digits and single hyphens, 1–63 characters, starting
 * and ending with a letter or digit. It becomes a path segment of every object key, so it
 * can never contain '/', '.', or anything that needs escaping.
 */
export const TenantIdSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,62}$/, 'tenantId must be 1–63 of [a-z0-9-], starting and ending with a letter or digit');

/** Every object of a tenant lives under this prefix; nothing else may be read or written for it. */
export function tenantPrefix(tenantId: string): string {
  return `tenants/${tenantId}/`;
}

/**
 * True when `key` is a well-formed object key inside the tenant's prefix: no empty, '.'
 * or '..' segments, no backslashes or control characters, at most 1024 bytes (S3's limit).
 */
export function isTenantKey(tenantId: string, key: string): boolean {
  const prefix = tenantPrefix(tenantId);
  if (!key.startsWith(prefix) || key.length === prefix.length) return false;
  if (Buffer.byteLength(key, 'utf8') > 1024) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key)) return false;
  return key.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
