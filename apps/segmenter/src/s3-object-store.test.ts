import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryObjectStore } from './memory-object-store.js';
import { ObjectNotFoundError, type ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-object-store.js';

let server: S3rver;
let dir: string;
let s3: S3ObjectStore;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pertouch-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  const { port } = await server.run();
  s3 = new S3ObjectStore({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', bucket: 'store-test', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await s3.ensureBucket();
  await s3.ensureBucket(); // idempotent
});

afterAll(async () => {
  s3?.destroy();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// The same behaviour from the real adapter and the fake, so tests with the fake mean something.
describe.each([
  ['S3ObjectStore (s3rver)', () => s3 as ObjectStore],
  ['MemoryObjectStore', () => new MemoryObjectStore() as ObjectStore],
])('%s', (_name, makeStore) => {
  it('puts, checks and gets objects', async () => {
    const store = makeStore();
    const key = `tenants/acme/test/${Math.random().toString(36).slice(2)}.bin`;
    expect(await store.exists(key)).toBe(false);
    const body = Buffer.from([0, 1, 2, 255, 254]);
    await store.put(key, body, 'application/octet-stream');
    await store.put(key, body, 'application/octet-stream'); // idempotent overwrite
    expect(await store.exists(key)).toBe(true);
    expect(Buffer.compare(await store.get(key), body)).toBe(0);
  });

  it('throws ObjectNotFoundError for a missing key', async () => {
    const store = makeStore();
    await expect(store.get('tenants/acme/missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });
});
