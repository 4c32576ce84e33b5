/**
 * Test support (not part of the build): a real S3 endpoint in-process — s3rver over
 * HTTP on a random port, with its data in a temp directory — and one fresh bucket per
 * test, emptied and removed afterwards.
 */
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { S3ObjectStore, type S3ObjectStoreOptions } from '../s3-object-store.js';

export interface S3rverHandle {
  readonly endpoint: string;
  /** A store on a new, empty bucket of its own. */
  newBucketStore(options?: Partial<S3ObjectStoreOptions>): Promise<S3ObjectStore>;
  /** Empties and deletes the store's bucket and closes its client. */
  dropBucket(store: S3ObjectStore): Promise<void>;
  close(): Promise<void>;
}

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export async function startS3rver(): Promise<S3rverHandle> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pertouch-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    async newBucketStore(options = {}) {
      const bucket = `test-${randomUUID().slice(0, 13)}`;
      const store = new S3ObjectStore({ endpoint, region: 'us-east-1', bucket, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, ...options });
      await store.ensureBucket();
      return store;
    },
    async dropBucket(store) {
      // The whole bucket, which deletePrefix('') refuses on purpose.
      for (;;) {
        const listed = await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket }));
        const objects = (listed.Contents ?? []).map((o) => ({ Key: o.Key }));
        if (objects.length === 0) break;
        await store.client.send(new DeleteObjectsCommand({ Bucket: store.bucket, Delete: { Objects: objects } }));
      }
      await store.client.send(new DeleteBucketCommand({ Bucket: store.bucket }));
      store.destroy();
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
