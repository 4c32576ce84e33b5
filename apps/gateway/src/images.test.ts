/**
 * POST /v1/images and GET /v1/images/{id} against the real app: every accepted format,
 * EXIF orientation, and every way an upload can be bad — each answered with a
 * problem+json, after which the app keeps serving.
 */
import { createHash } from 'node:crypto';
import { objectKeys, type ImageView } from '@pertouch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoders, gif, pngHeader, rotatedJpeg } from './testing/images.js';
import { MAX_UPLOAD_BYTES, problemOf, startHarness, type Harness, type TenantKey } from './testing/harness.js';

let h: Harness;
let t: TenantKey;

beforeAll(async () => {
  h = await startHarness();
  t = await h.tenant();
});
afterAll(async () => {
  await h?.close();
});

function upload(body: NonNullable<RequestInit['body']>, contentType = 'application/octet-stream', init: RequestInit = {}): Promise<Response> {
  return h.api('/v1/images', { key: t.key, method: 'POST', body, headers: { 'content-type': contentType }, ...init });
}

async function expectProblem(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect((await problemOf(response)).code).toBe(code);
}

describe('accepted uploads', () => {
  it.each(Object.keys(encoders) as (keyof typeof encoders)[])('stores a %s image as is and describes it', async (format) => {
    const bytes = await encoders[format]();
    const response = await upload(bytes);
    expect(response.status).toBe(201);
    const image = (await response.json()) as ImageView;
    expect(image).toMatchObject({ object: 'image', format, width: 64, height: 48, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(image.id).toMatch(/^img_[0-9a-z]{26}$/);
    expect(response.headers.get('location')).toBe(`/v1/images/${image.id}`);
    // The original, byte for byte, under the tenant's prefix.
    expect(Buffer.compare(await h.store.get(objectKeys.original(t.tenantId, image.id)), bytes)).toBe(0);
    const fetched = await h.api(`/v1/images/${image.id}`, { key: t.key });
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toEqual(image);
  });

  it('sniffs the format from the bytes, whatever the Content-Type says (even JSON)', async () => {
    const png = await encoders.png();
    for (const type of ['image/jpeg', 'application/json', 'text/plain']) {
      const response = await upload(png, type);
      expect(response.status).toBe(201);
      expect(((await response.json()) as ImageView).format).toBe('png');
    }
  });

  it('reports the upright size of an EXIF-rotated JPEG', async () => {
    const response = await upload(await rotatedJpeg(), 'image/jpeg');
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ format: 'jpeg', width: 32, height: 64 });
  });

  it('takes multipart/form-data with one file field named "file"', async () => {
    const bytes = await encoders.webp();
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'image/webp' }), 'photo.webp');
    const response = await h.api('/v1/images', { key: t.key, method: 'POST', body: form });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ format: 'webp', bytes: bytes.length });

    const wrongField = new FormData();
    wrongField.append('image', new Blob([bytes]), 'photo.webp');
    await expectProblem(await h.api('/v1/images', { key: t.key, method: 'POST', body: wrongField }), 400, 'validation_failed');
    const noFile = new FormData();
    noFile.append('note', 'hello');
    await expectProblem(await h.api('/v1/images', { key: t.key, method: 'POST', body: noFile }), 400, 'validation_failed');
  });
});

describe('refused uploads', () => {
  it('corrupt and truncated images: 400 invalid_image', async () => {
    const jpeg = await encoders.jpeg(256, 256);
    const corrupt = Buffer.from(jpeg);
    corrupt.fill(0x55, 200, 4000);
    await expectProblem(await upload(corrupt), 400, 'invalid_image');
    await expectProblem(await upload(jpeg.subarray(0, Math.floor(jpeg.length / 2))), 400, 'invalid_image');
    const png = await encoders.png(256, 256);
    await expectProblem(await upload(png.subarray(0, Math.floor(png.length * 0.6))), 400, 'invalid_image');
    await expectProblem(await upload(Buffer.alloc(0)), 400, 'invalid_image');
  });

  it('other formats: 415 unsupported_format (GIF, text)', async () => {
    await expectProblem(await upload(await gif(), 'image/gif'), 415, 'unsupported_format');
    await expectProblem(await upload('hello, I am not an image', 'text/plain'), 415, 'unsupported_format');
  });

  it('a 100 000 × 100 000 PNG header: 413 image_too_large, from the header, fast', async () => {
    const started = performance.now();
    const response = await upload(pngHeader(100_000, 100_000), 'image/png');
    await expectProblem(response, 413, 'image_too_large');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('oversize bodies: 413 payload_too_large, declared or streamed', async () => {
    const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1024, 7);
    await expectProblem(await upload(big), 413, 'payload_too_large');
    // Chunked (no Content-Length): cut off while streaming.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let sent = 0; sent <= MAX_UPLOAD_BYTES; sent += 256 * 1024) controller.enqueue(new Uint8Array(256 * 1024));
        controller.close();
      },
    });
    await expectProblem(await upload(stream, 'application/octet-stream', { duplex: 'half' } as RequestInit), 413, 'payload_too_large');
    const form = new FormData();
    form.append('file', new Blob([big]), 'big.bin');
    await expectProblem(await h.api('/v1/images', { key: t.key, method: 'POST', body: form }), 413, 'payload_too_large');
  });

  it('keeps serving after all of that', async () => {
    expect((await h.api('/healthz')).status).toBe(200);
    expect((await upload(await encoders.jpeg())).status).toBe(201);
  });

  it('unknown ids: 404 not_found', async () => {
    await expectProblem(await h.api('/v1/images/img_00000000000000000000000000', { key: t.key }), 404, 'not_found');
    await expectProblem(await h.api('/v1/images/whatever', { key: t.key }), 404, 'not_found');
  });
});
