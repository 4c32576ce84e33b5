/**
 * The gateway on S3 storage (s3rver in-process): uploads land in the bucket under the
 * tenant's prefix, and a finished job's result answers with a 302 to a presigned URL
 * that downloads the bytes.
 */
import { objectKeys, type ImageView, type JobView } from '@pertouch/contracts';
import type { S3ObjectStore } from '@pertouch/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver, type S3rverHandle } from '../../../libs/storage/src/testing/s3rver.js';
import { encoders } from './testing/images.js';
import { startHarness, type Harness } from './testing/harness.js';

let s3: S3rverHandle;
let store: S3ObjectStore;
let h: Harness;

beforeAll(async () => {
  s3 = await startS3rver();
  store = await s3.newBucketStore();
  h = await startHarness({ store, settings: { resultRedirect: true } });
});
afterAll(async () => {
  await h?.close();
  if (store) await s3.dropBucket(store);
  await s3?.close();
});

describe('on S3', () => {
  it('stores uploads in the bucket and redirects results to a presigned URL', async () => {
    const t = await h.tenant();
    const bytes = await encoders.jpeg();
    const image = (await (await h.api('/v1/images', { key: t.key, method: 'POST', body: bytes })).json()) as ImageView;
    expect(await store.head(objectKeys.original(t.tenantId, image.id))).toMatchObject({ size: bytes.length, contentType: 'image/jpeg' });
    expect((await h.api('/readyz')).status).toBe(200);

    const job = (await (await h.api('/v1/jobs', { key: t.key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ imageId: image.id, auto: true }) })).json()) as JobView;
    const result = await encoders.png();
    const key = objectKeys.round(t.tenantId, image.id, job.id, 1, 'png');
    await store.put(key, result, 'image/png');
    await h.db.jobs.start(t.tenantId, job.id, 10);
    await h.db.jobs.transition(t.tenantId, job.id, ['running'], 'succeeded', { stage: 'done', progress: 1, resultKey: key, resultFormat: 'png', resultWidth: 64, resultHeight: 48, resultBytes: result.length });

    const redirect = await h.api(`/v1/jobs/${job.id}/result`, { key: t.key, redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location).toContain(s3.endpoint);
    expect(location).toContain('X-Amz-Signature');
    const downloaded = await fetch(location);
    expect(downloaded.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await downloaded.arrayBuffer()), result)).toBe(0);
  });
});
