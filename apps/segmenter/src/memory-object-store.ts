import { ObjectNotFoundError, type ObjectStore } from './object-store.js';

/** An in-memory ObjectStore for tests. Counts calls so tests can assert what was touched. */
export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  readonly calls = { get: 0, put: 0, exists: 0 };

  async get(key: string): Promise<Buffer> {
    this.calls.get++;
    const object = this.objects.get(key);
    if (!object) throw new ObjectNotFoundError(key);
    return Buffer.from(object.body);
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    this.calls.put++;
    this.objects.set(key, { body: Buffer.from(body), contentType });
  }

  async exists(key: string): Promise<boolean> {
    this.calls.exists++;
    return this.objects.has(key);
  }
}
