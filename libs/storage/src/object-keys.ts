/**
 * Object keys are '/'-separated relative paths, the same rules for every adapter:
 * the filesystem adapter maps them onto directories, so a key must never be able to
 * name anything outside its root, and S3 must accept them unescaped.
 */

/** S3's limit on a key's length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

export class InvalidObjectKeyError extends Error {
  override readonly name = 'InvalidObjectKeyError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key.slice(0, 200))}: ${reason}`);
  }
}

function problemOf(key: string, allowTrailingSlash: boolean): string | undefined {
  if (typeof key !== 'string' || key === '') return 'empty';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'absolute (starts with "/")';
  if (key.includes('\\')) return 'contains a backslash';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'contains a control character';
  const segments = key.split('/');
  if (allowTrailingSlash && segments.at(-1) === '') segments.pop();
  for (const segment of segments) {
    if (segment === '') return 'has an empty path segment ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return `has a "${segment}" path segment`;
  }
  return undefined;
}

/** Throws InvalidObjectKeyError unless `key` is a well-formed object key. */
export function assertObjectKey(key: string): void {
  const problem = problemOf(key, false);
  if (problem) throw new InvalidObjectKeyError(key, problem);
}

/**
 * Throws InvalidObjectKeyError unless `prefix` is a well-formed, non-empty key prefix
 * (a key, or a key with a trailing '/'). An empty prefix is refused: it would mean
 * "everything", which no caller of deletePrefix should say by accident.
 */
export function assertObjectPrefix(prefix: string): void {
  const problem = problemOf(prefix, true);
  if (problem) throw new InvalidObjectKeyError(prefix, problem);
}
