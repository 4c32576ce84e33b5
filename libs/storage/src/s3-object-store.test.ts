import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from './s3-object-store.js';
import { S3RVER_CREDENTIALS, startS3rver, type S3rverHandle } from './testing/s3rver.js';

let s3rver: S3rverHandle;
beforeAll(async () => {
  s3rver = await startS3rver();
});
afterAll(async () => {
  await s3rver?.close();
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('S3ObjectStore', () => {
  it('uploads in parts above the part size, in one request below it', async () => {
    const store = await s3rver.newBucketStore();
    // Records the S3 operations the adapter sends (the requests still go to s3rver).
    const sent: string[] = [];
    store.client.middlewareStack.add((next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    }, { step: 'initialize' });
    try {
      const small = randomBytes(8 * 1024 * 1024);
      await store.put('tenants/acme/small', small, 'image/jpeg');
      expect(sent).toEqual(['PutObjectCommand']);
      sent.length = 0;
      const large = randomBytes(8 * 1024 * 1024 + 1);
      await store.put('tenants/acme/large', large, 'image/jpeg');
      expect(sent.sort()).toEqual(['CompleteMultipartUploadCommand', 'CreateMultipartUploadCommand', 'UploadPartCommand', 'UploadPartCommand']);
      expect((await store.get('tenants/acme/large')).equals(large)).toBe(true);
    } finally {
      await s3rver.dropBucket(store);
    }
  });

  it('aborts a multipart upload whose body fails, leaving no object', async () => {
    const store = await s3rver.newBucketStore();
    const sent: string[] = [];
    store.client.middlewareStack.add((next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    }, { step: 'initialize' });
    try {
      const body = Readable.from((async function* () {
        yield randomBytes(9 * 1024 * 1024); // more than one part: a multipart upload is under way
        throw new Error('client went away');
      })());
      // (s3rver answers AbortMultipartUpload with 405, and lib-storage then reports that
      // error instead of the body's; S3 and MinIO implement it.)
      await expect(store.put('tenants/acme/cut', body, 'image/tiff')).rejects.toThrow(/client went away|method is not allowed/);
      expect(sent).toContain('AbortMultipartUploadCommand');
      expect(await store.exists('tenants/acme/cut')).toBe(false);
    } finally {
      await s3rver.dropBucket(store);
    }
  });

  it('creates its bucket idempotently (development and tests)', async () => {
    const store = await s3rver.newBucketStore();
    try {
      await store.ensureBucket();
      await store.ping();
    } finally {
      await s3rver.dropBucket(store);
    }
  });

  it('ping fails for a missing bucket and for an unreachable endpoint', async () => {
    const missing = new S3ObjectStore({ endpoint: s3rver.endpoint, region: 'us-east-1', bucket: 'no-such-bucket', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    await expect(missing.ping()).rejects.toThrow();
    missing.destroy();
    const nowhere = new S3ObjectStore({ endpoint: `http://127.0.0.1:${await closedPort()}`, region: 'us-east-1', bucket: 'photos', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    await expect(nowhere.ping()).rejects.toThrow();
    nowhere.destroy();
  });

  it('refuses a part size S3 would refuse', () => {
    expect(() => new S3ObjectStore({ region: 'us-east-1', bucket: 'photos', partSizeBytes: 1024 * 1024 })).toThrow(RangeError);
  });
});
