import type { Readable } from 'node:stream';

/** What `head` and `getStream` report about a stored object. */
export interface ObjectInfo {
  readonly size: number;
  readonly contentType: string;
}

export interface PutOptions {
  /**
   * The body's length when the caller knows it (an upload's Content-Length). When given,
   * a body of any other length fails the put and nothing is stored: a truncated upload
   * never becomes an object.
   */
  readonly size?: number;
}

export interface PresignGetOptions {
  /** How long the URL works, 1 s to 7 days (S3's limit). */
  readonly expiresInSeconds: number;
  /** When set, the URL answers with `Content-Disposition: attachment` under this file name. */
  readonly downloadName?: string;
}

/**
 * The object-storage port. Every image byte lives behind it; services talk to this
 * interface only, so the embedded deployment stores files on disk (FsObjectStore), a
 * scaled one any S3-protocol server (S3ObjectStore), and unit tests memory
 * (MemoryObjectStore). Keys are '/'-separated paths (see object-keys.ts); every adapter
 * refuses a malformed key with InvalidObjectKeyError, so the fakes behave like the real
 * thing.
 */
export interface ObjectStore {
  /** The object's bytes; throws ObjectNotFoundError when there is no such key. */
  get(key: string): Promise<Buffer>;
  /** The object as a stream (large results to HTTP clients); throws ObjectNotFoundError. */
  getStream(key: string): Promise<ObjectInfo & { readonly body: Readable }>;
  /**
   * Writes (or overwrites) an object; readers see the old object or the new one, never a
   * partial one. Writing the same bytes to the same key again is harmless (idempotent).
   */
  put(key: string, body: Buffer | Readable, contentType: string, options?: PutOptions): Promise<void>;
  /** Size and content type, or undefined when there is no such key. */
  head(key: string): Promise<ObjectInfo | undefined>;
  exists(key: string): Promise<boolean>;
  /** Removes an object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix` (a non-empty string); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * A URL that downloads the object without credentials until it expires, or undefined
   * when this store cannot make one (filesystem, memory): callers then stream it
   * through the API. The object need not exist yet.
   */
  presignGet(key: string, options: PresignGetOptions): Promise<string | undefined>;
  /** Readiness: resolves when the store is reachable and usable, throws otherwise. */
  ping(): Promise<void>;
}

/** An ObjectStore that holds resources (sockets) to release at shutdown. */
export interface ClosableObjectStore extends ObjectStore {
  close(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(readonly key: string) {
    super(`no object at ${JSON.stringify(key)}`);
  }
}

/** A put whose body was not as long as its declared `size`; nothing was stored. */
export class ObjectSizeMismatchError extends Error {
  override readonly name = 'ObjectSizeMismatchError';
  constructor(
    readonly key: string,
    readonly expected: number,
    /** What arrived: a byte count, or "more than N" when the body was cut off early. */
    readonly received: string,
  ) {
    super(`object ${JSON.stringify(key)}: body of ${received} bytes, declared ${expected}`);
  }
}
