import { Readable } from 'node:stream';
import { assertObjectKey, assertObjectPrefix } from './object-keys.js';
import { ObjectNotFoundError, type ClosableObjectStore, type ObjectInfo, type PresignGetOptions, type PutOptions } from './object-store.js';
import { assertPresignOptions } from './presign.js';
import { checkBufferSize, readAll, sizedStream } from './sized-body.js';

/**
 * An in-memory ObjectStore for tests of other packages. It passes the same contract
 * suite as the real adapters, and counts calls so tests can assert what was touched.
 */
export class MemoryObjectStore implements ClosableObjectStore {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  readonly calls = { get: 0, getStream: 0, put: 0, head: 0, exists: 0, delete: 0, deletePrefix: 0 };

  async get(key: string): Promise<Buffer> {
    this.calls.get++;
    return Buffer.from(this.require(key).body);
  }

  async getStream(key: string): Promise<ObjectInfo & { body: Readable }> {
    this.calls.getStream++;
    const object = this.require(key);
    return { body: Readable.from([Buffer.from(object.body)]), size: object.body.length, contentType: object.contentType };
  }

  async put(key: string, body: Buffer | Readable, contentType: string, options: PutOptions = {}): Promise<void> {
    this.calls.put++;
    assertObjectKey(key);
    let bytes: Buffer;
    if (Buffer.isBuffer(body)) {
      checkBufferSize(body, key, options.size);
      bytes = Buffer.from(body);
    } else {
      bytes = await readAll(sizedStream(body, key, options.size));
    }
    this.objects.set(key, { body: bytes, contentType });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    this.calls.head++;
    assertObjectKey(key);
    const object = this.objects.get(key);
    return object && { size: object.body.length, contentType: object.contentType };
  }

  async exists(key: string): Promise<boolean> {
    this.calls.exists++;
    assertObjectKey(key);
    return this.objects.has(key);
  }

  async delete(key: string): Promise<void> {
    this.calls.delete++;
    assertObjectKey(key);
    this.objects.delete(key);
  }

  async deletePrefix(prefix: string): Promise<number> {
    this.calls.deletePrefix++;
    assertObjectPrefix(prefix);
    const doomed = [...this.objects.keys()].filter((key) => key.startsWith(prefix));
    for (const key of doomed) this.objects.delete(key);
    return doomed.length;
  }

  /** Memory has no URL to hand out: callers stream through the API, as with the filesystem. */
  async presignGet(key: string, options: PresignGetOptions): Promise<string | undefined> {
    assertObjectKey(key);
    assertPresignOptions(options);
    return undefined;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  private require(key: string): { body: Buffer; contentType: string } {
    assertObjectKey(key);
    const object = this.objects.get(key);
    if (!object) throw new ObjectNotFoundError(key);
    return object;
  }
}
