/**
 * One behaviour, three adapters: every test here runs against S3 (s3rver over real
 * HTTP), the filesystem and memory, each on a fresh bucket / directory / instance, so
 * tests elsewhere that use MemoryObjectStore mean something for production.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from './fs-object-store.js';
import { MemoryObjectStore } from './memory-object-store.js';
import { InvalidObjectKeyError } from './object-keys.js';
import { ObjectNotFoundError, ObjectSizeMismatchError, type ObjectStore } from './object-store.js';
import { startS3rver, type S3rverHandle } from './testing/s3rver.js';

interface Adapter {
  readonly name: string;
  /** Whether presignGet gives a URL (else undefined: stream through the API). */
  readonly presigns: boolean;
  open(): Promise<{ store: ObjectStore; dispose(): Promise<void> }>;
}

let s3rver: S3rverHandle;
beforeAll(async () => {
  s3rver = await startS3rver();
});
afterAll(async () => {
  await s3rver?.close();
});

const adapters: Adapter[] = [
  {
    name: 'S3ObjectStore (s3rver over HTTP)',
    presigns: true,
    async open() {
      const store = await s3rver.newBucketStore();
      return { store, dispose: () => s3rver.dropBucket(store) };
    },
  },
  {
    name: 'FsObjectStore',
    presigns: false,
    async open() {
      const root = await mkdtemp(path.join(os.tmpdir(), 'pertouch-fs-store-'));
      return { store: new FsObjectStore({ root }), dispose: () => rm(root, { recursive: true, force: true }) };
    },
  },
  {
    name: 'MemoryObjectStore',
    presigns: false,
    async open() {
      return { store: new MemoryObjectStore(), dispose: async () => {} };
    },
  },
];

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function drain(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A stream that gives `bytes` in small chunks, as an HTTP upload would. */
function chunked(bytes: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from((function* () {
    for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
  })());
}

/** A stream that gives `bytes`, then fails (a client that disconnects mid-upload). */
function failingAfter(bytes: Buffer): Readable {
  return Readable.from((async function* () {
    yield bytes;
    throw new Error('client went away');
  })());
}

describe.each(adapters)('$name', (adapter) => {
  let store: ObjectStore;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ store, dispose } = await adapter.open());
  });
  afterEach(async () => {
    await dispose();
  });

  it('puts, heads, checks and gets an object, and overwrites it', async () => {
    const key = 'tenants/acme/images/img-1/original';
    expect(await store.exists(key)).toBe(false);
    expect(await store.head(key)).toBeUndefined();
    const body = Buffer.from([0, 1, 2, 255, 254]);
    await store.put(key, body, 'image/jpeg');
    expect(await store.exists(key)).toBe(true);
    expect(await store.head(key)).toEqual({ size: 5, contentType: 'image/jpeg' });
    expect(Buffer.compare(await store.get(key), body)).toBe(0);

    await store.put(key, body, 'image/jpeg'); // the same bytes again: harmless
    expect(Buffer.compare(await store.get(key), body)).toBe(0);
    await store.put(key, Buffer.from('{"v":2}'), 'application/json');
    expect((await store.get(key)).toString()).toBe('{"v":2}');
    expect(await store.head(key)).toEqual({ size: 7, contentType: 'application/json' });
  });

  it('stores an empty object', async () => {
    await store.put('tenants/acme/empty', Buffer.alloc(0), 'text/plain');
    expect(await store.head('tenants/acme/empty')).toEqual({ size: 0, contentType: 'text/plain' });
    expect((await store.get('tenants/acme/empty')).length).toBe(0);
  });

  it('streams objects in and out', async () => {
    const bytes = randomBytes(300_000);
    await store.put('tenants/acme/streamed.bin', chunked(bytes), 'application/octet-stream');
    await store.put('tenants/acme/sized.bin', chunked(bytes), 'image/png', { size: bytes.length });
    for (const [key, type] of [['tenants/acme/streamed.bin', 'application/octet-stream'], ['tenants/acme/sized.bin', 'image/png']] as const) {
      const got = await store.getStream(key);
      expect(got.size).toBe(bytes.length);
      expect(got.contentType).toBe(type);
      expect(sha256(await drain(got.body))).toBe(sha256(bytes));
    }
  });

  it('round-trips an object over 8 MiB, from a buffer and from a stream of unknown length', async () => {
    const big = randomBytes(9 * 1024 * 1024 + 12_345);
    await store.put('tenants/acme/big-buffer', big, 'image/tiff');
    await store.put('tenants/acme/big-stream', chunked(big, 1024 * 1024), 'image/tiff');
    for (const key of ['tenants/acme/big-buffer', 'tenants/acme/big-stream']) {
      expect(await store.head(key)).toEqual({ size: big.length, contentType: 'image/tiff' });
      expect(sha256(await store.get(key))).toBe(sha256(big));
    }
  });

  it('refuses a body that is not its declared size, and stores nothing', async () => {
    const bytes = randomBytes(1000);
    await expect(store.put('tenants/acme/a', bytes, 'image/png', { size: 999 })).rejects.toBeInstanceOf(ObjectSizeMismatchError);
    await expect(store.put('tenants/acme/b', chunked(bytes, 100), 'image/png', { size: 1001 })).rejects.toBeInstanceOf(ObjectSizeMismatchError);
    await expect(store.put('tenants/acme/c', chunked(bytes, 100), 'image/png', { size: 500 })).rejects.toBeInstanceOf(ObjectSizeMismatchError);
    for (const key of ['tenants/acme/a', 'tenants/acme/b', 'tenants/acme/c']) expect(await store.exists(key)).toBe(false);
  });

  it('stores nothing when the body stream fails, and keeps the previous object', async () => {
    const key = 'tenants/acme/kept';
    await store.put(key, Buffer.from('old'), 'text/plain');
    await expect(store.put(key, failingAfter(randomBytes(10_000)), 'text/plain')).rejects.toThrow(/client went away/);
    await expect(store.put('tenants/acme/never', failingAfter(randomBytes(10_000)), 'text/plain')).rejects.toThrow(/client went away/);
    expect((await store.get(key)).toString()).toBe('old');
    expect(await store.exists('tenants/acme/never')).toBe(false);
  });

  it('reports missing objects: ObjectNotFoundError from get/getStream, undefined/false from head/exists', async () => {
    await expect(store.get('tenants/acme/missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.getStream('tenants/acme/missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
    const error = await store.get('tenants/acme/missing').catch((e: unknown) => e);
    expect((error as ObjectNotFoundError).key).toBe('tenants/acme/missing');
    expect(await store.head('tenants/acme/missing')).toBeUndefined();
    expect(await store.exists('tenants/acme/missing')).toBe(false);
    // A key that is a "directory" of other keys is not an object either.
    await store.put('tenants/acme/dir/file', Buffer.from('x'), 'text/plain');
    expect(await store.exists('tenants/acme/dir')).toBe(false);
    await expect(store.get('tenants/acme/dir')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('deletes idempotently', async () => {
    await store.put('tenants/acme/x', Buffer.from('x'), 'text/plain');
    await store.delete('tenants/acme/x');
    expect(await store.exists('tenants/acme/x')).toBe(false);
    await store.delete('tenants/acme/x');
    await store.delete('tenants/acme/never-was');
    // The key can be written again after a delete.
    await store.put('tenants/acme/x', Buffer.from('y'), 'text/plain');
    expect((await store.get('tenants/acme/x')).toString()).toBe('y');
  });

  it('deletes by prefix, counting what it removed and nothing else', async () => {
    const keys = ['tenants/a/images/1/original', 'tenants/a/images/2/original', 'tenants/a/images/2/jobs/j/round-1.jpg', 'tenants/ab/images/1/original', 'tenants/b/images/1/original'];
    for (const key of keys) await store.put(key, Buffer.from(key), 'text/plain');
    expect(await store.deletePrefix('tenants/a/images/2/')).toBe(2);
    expect(await store.deletePrefix('tenants/a/')).toBe(1);
    expect(await store.deletePrefix('tenants/a/')).toBe(0);
    expect(await store.exists('tenants/ab/images/1/original')).toBe(true);
    // A prefix is a string prefix, not a directory: 'tenants/a' also matches 'tenants/ab/…'.
    expect(await store.deletePrefix('tenants/a')).toBe(1);
    expect(await store.exists('tenants/b/images/1/original')).toBe(true);
    expect(await store.deletePrefix('nothing/here/')).toBe(0);
    await expect(store.deletePrefix('')).rejects.toBeInstanceOf(InvalidObjectKeyError);
    await expect(store.deletePrefix('../')).rejects.toBeInstanceOf(InvalidObjectKeyError);
  });

  it('refuses malformed keys on every operation', async () => {
    const bad = ['', '/etc/passwd', '../outside', 'tenants/../../outside', 'tenants/./x', 'a//b', 'a/b/', 'a\\..\\b', 'nul\u0000byte', 'x'.repeat(1025)];
    for (const key of bad) {
      await expect(store.put(key, Buffer.from('x'), 'text/plain'), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.get(key), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.head(key), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.delete(key), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
    }
    // Odd but legal characters are fine.
    const odd = 'tenants/acme/ünïcødé name (1)+%20.jpg';
    await store.put(odd, Buffer.from('ok'), 'image/jpeg');
    expect((await store.get(odd)).toString()).toBe('ok');
  });

  it(adapter.presigns ? 'presigns a GET that works without credentials, with an optional download name' : 'cannot presign: answers undefined', async () => {
    const key = 'tenants/acme/images/img-1/jobs/j1/round-1.jpg';
    const body = randomBytes(2048);
    await store.put(key, body, 'image/jpeg');
    const url = await store.presignGet(key, { expiresInSeconds: 60 });
    const named = await store.presignGet(key, { expiresInSeconds: 60, downloadName: 'Ürlaub "beach".jpg' });
    await expect(store.presignGet(key, { expiresInSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(store.presignGet(key, { expiresInSeconds: 8 * 24 * 3600 })).rejects.toThrow(RangeError);
    if (!adapter.presigns) {
      expect(url).toBeUndefined();
      expect(named).toBeUndefined();
      return;
    }
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(body));
    const download = await fetch(named!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="_rlaub _beach_.jpg"; filename*=UTF-8''%C3%9Crlaub%20%22beach%22.jpg`);
    await download.arrayBuffer();
    // It stops working when it expires. (s3rver checks expiry and the access key but,
    // unlike S3, not SigV4 signatures themselves, so a forged signature can't be tested here.)
    expect(new URL(url!).searchParams.get('X-Amz-Expires')).toBe('60');
    const shortLived = await store.presignGet(key, { expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await fetch(shortLived!);
    expect(expired.status).toBe(403);
    await expired.arrayBuffer();
  });

  it('answers ping when usable', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
