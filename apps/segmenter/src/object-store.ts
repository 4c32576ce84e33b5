/**
 * The object-storage port. Every image byte lives in S3 (or anything speaking its
 * protocol); logic talks to this interface only, so tests use the in-memory fake and
 * integration tests the real S3 adapter.
 */
export interface ObjectStore {
  /** The object's bytes; throws ObjectNotFoundError when there is no such key. */
  get(key: string): Promise<Buffer>;
  /** Writes (or overwrites) an object. Writes of the same key with the same bytes are idempotent. */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(readonly key: string) {
    super(`no object at ${JSON.stringify(key)}`);
  }
}
