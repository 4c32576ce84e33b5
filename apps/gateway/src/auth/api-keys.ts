/**
 * API keys: `pt_live_` + 32 random bytes in base64url. Only the SHA-256 of a key is
 * stored (and its first characters, so people can tell keys apart); the key itself is
 * shown once, by `pertouch-admin key create`.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'pt_live_';
/** 32 bytes in base64url without padding are 43 characters. */
export const API_KEY_PATTERN = /^pt_live_[A-Za-z0-9_-]{43}$/;
/** Characters of the key kept in clear as its `prefix`. */
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

export interface NewApiKeySecret {
  readonly key: string;
  readonly prefix: string;
  readonly hash: string;
}

/** SHA-256 of the whole key, lower-case hex (what db.apiKeys.findActiveByHash looks up). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): NewApiKeySecret {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/**
 * The key a request presents: `x-api-key`, else `Authorization: Bearer <key>`.
 * Undefined when neither is there (or a header is repeated: ambiguous).
 */
export function presentedApiKey(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const direct = headers['x-api-key'];
  if (typeof direct === 'string' && direct.trim() !== '') return direct.trim();
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
