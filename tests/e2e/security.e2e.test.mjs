/**
 * End to end, hostile clients: cross-tenant access is 404 on every route, bad keys 401,
 * and bad files (corrupt, truncated, unsupported, a 100 000 × 100 000 PNG header, an
 * oversize body) get 4xx problem+json — while every app keeps running.
 */
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../scripts/stack/client.mjs';
import { startScratchStack } from '../../scripts/stack/scratch.mjs';
import { testPhotos } from './photos.mjs';

let stack;
let alice;
let bob;
let owned;

/** A valid PNG signature + IHDR claiming width × height, one tiny IDAT, IEND (never decodable at that size). */
function pngHeader(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'ascii');
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

async function problem(response, status, code) {
  expect(response.status, `${response.url}`).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = await response.json();
  expect(body).toMatchObject({ status, code });
  expect(typeof body.detail).toBe('string');
  return body;
}

beforeAll(async () => {
  stack = await startScratchStack({ name: 'e2e-security', extraEnv: { PERTOUCH_MAX_UPLOAD_BYTES: String(8 * 1024 * 1024) } });
  const a = await stack.tenant('alice-co');
  const b = await stack.tenant('bob-co');
  alice = apiClient(stack.baseUrl, a.key);
  bob = apiClient(stack.baseUrl, b.key);
  alice.keyId = a.keyId;
  const [photo] = await testPhotos(1, 0.3);
  const image = await alice.uploadImage(photo.bytes);
  const job = await alice.createJob({ imageId: image.id, auto: true });
  await alice.waitForJob(job.id);
  const batch = await alice.createBatch({ imageIds: [image.id], auto: true });
  // Loopback is allowlisted in the scratch stack (no DNS here); nothing listens on port 9.
  const endpoint = await alice.createWebhookEndpoint({ url: 'http://127.0.0.1:9/hooks' });
  owned = { image: image.id, job: job.id, batch: batch.id, endpoint: endpoint.id };
}, 180_000);

afterAll(async () => {
  await stack?.destroy();
}, 60_000);

describe('tenancy', () => {
  it("answers 404 to another tenant on every route that takes an id", async () => {
    const routes = [
      ['GET', `/v1/images/${owned.image}`],
      ['GET', `/v1/jobs/${owned.job}`],
      ['GET', `/v1/jobs/${owned.job}/events`],
      ['GET', `/v1/jobs/${owned.job}/result`],
      ['POST', `/v1/jobs/${owned.job}/cancel`],
      ['GET', `/v1/batches/${owned.batch}`],
      ['DELETE', `/v1/webhook-endpoints/${owned.endpoint}`],
    ];
    for (const [method, path] of routes) await problem(await bob.request(method, path, { raw: true }), 404, 'not_found');
    // Using another tenant's image in a job or batch is the same "not found".
    await problem(await bob.request('POST', '/v1/jobs', { body: { imageId: owned.image, auto: true }, raw: true }), 404, 'not_found');
    await problem(await bob.request('POST', '/v1/batches', { body: { imageIds: [owned.image], auto: true }, raw: true }), 404, 'not_found');
    // Lists show only one's own.
    const endpoints = (await bob.request('GET', '/v1/webhook-endpoints')).body;
    expect(JSON.stringify(endpoints)).not.toContain(owned.endpoint);
    // And the owner still sees everything.
    expect((await alice.getJob(owned.job)).id).toBe(owned.job);
  });

  it('answers 401 to missing, malformed, unknown and revoked keys', async () => {
    const url = `${stack.baseUrl}/v1/jobs/${owned.job}`;
    await problem(await fetch(url), 401, 'unauthenticated');
    await problem(await fetch(url, { headers: { 'x-api-key': 'nonsense' } }), 401, 'unauthenticated');
    await problem(await fetch(url, { headers: { authorization: 'Bearer pt_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }), 401, 'unauthenticated');
    const extra = await stack.admin(['key', 'create', 'alice-co']);
    expect((await fetch(url, { headers: { authorization: `Bearer ${extra.key}` } })).status).toBe(200);
    await stack.admin(['key', 'revoke', 'alice-co', extra.id]);
    await problem(await fetch(url, { headers: { authorization: `Bearer ${extra.key}` } }), 401, 'unauthenticated');
  });
});

describe('bad files', () => {
  it('refuses each with a 4xx problem and keeps every app running', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).gif().toBuffer();
    const upload = (bytes) => alice.request('POST', '/v1/images', { body: bytes, raw: true });

    await problem(await upload(Buffer.from('this is not an image, just text')), 415, 'unsupported_format');
    await problem(await upload(gif), 415, 'unsupported_format');
    await problem(await upload(Buffer.concat([jpeg.subarray(0, 4), Buffer.alloc(200, 7)])), 400, 'invalid_image');
    const t0 = performance.now();
    await problem(await upload(pngHeader(100_000, 100_000)), 413, 'image_too_large');
    expect(performance.now() - t0).toBeLessThan(5000);
    await problem(await upload(Buffer.alloc(9 * 1024 * 1024, 1)), 413, 'payload_too_large');
    await problem(await upload(Buffer.alloc(0)), 400, 'invalid_image');

    // A truncated JPEG whose header is fine passes the upload and fails its job cleanly.
    const photo = (await testPhotos(1, 0.3))[0].bytes;
    const truncated = photo.subarray(0, Math.floor(photo.length / 3));
    const response = await upload(truncated);
    if (response.status === 201) {
      const image = await response.json();
      const job = await alice.waitForJob((await alice.createJob({ imageId: image.id, auto: true })).id);
      expect(job.state).toBe('failed');
      expect(job.error.code).toBe('invalid_image');
    } else {
      await problem(response, 400, 'invalid_image');
    }

    // Bad JSON and bad maps are problems too.
    const badJson = await fetch(`${stack.baseUrl}/v1/jobs`, { method: 'POST', headers: { 'x-api-key': (await stack.tenant('carol-co')).key, 'content-type': 'application/json' }, body: '{"imageId":' });
    await problem(badJson, 400, 'invalid_json');
    await problem(await alice.request('POST', '/v1/jobs', { body: { imageId: owned.image, map: { global: { brightness: 3 } } }, raw: true }), 400, 'validation_failed');

    for (const [name, child] of stack.children) expect(child.exitCode, `${name} exited`).toBeNull();
    const ready = await fetch(`${stack.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
  });
});
