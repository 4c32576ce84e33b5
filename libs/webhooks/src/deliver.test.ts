import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookTarget, deliverWebhook, generateSecret, parseWebhookAllowlist, signWebhook, verifyWebhook, webhookBody, WEBHOOK_USER_AGENT } from './index.js';

interface Received {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const received: Received[] = [];
let port = 0;

/** A receiver with one route per behaviour a real endpoint might have. */
const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
    switch (request.url) {
      case '/ok':
        response.writeHead(204).end();
        break;
      case '/error':
        response.writeHead(500, { 'content-type': 'text/plain' }).end('database is down');
        break;
      case '/redirect':
        response.writeHead(302, { location: `http://127.0.0.1:${port}/ok` }).end();
        break;
      case '/huge':
        response.writeHead(200, { 'content-type': 'text/plain' });
        // Far more than anyone should buffer; delivery must stop reading long before.
        for (let i = 0; i < 64; i++) response.write(Buffer.alloc(64 * 1024, 'x'));
        response.end();
        break;
      case '/hang':
        break; // never answers
      default:
        response.writeHead(404).end();
    }
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** `.invalid` never resolves in real DNS (RFC 6761), so reaching the server proves the pinned address was used. */
const hostUrl = (path: string) => `http://hooks.pertouch.invalid:${port}${path}`;

describe('deliverWebhook', () => {
  it('POSTs the signed body to the vetted address, and the receiver verifies it', async () => {
    const secret = generateSecret();
    const target = await checkWebhookTarget(hostUrl('/ok'), {
      allowlist: parseWebhookAllowlist('127.0.0.1'),
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const body = webhookBody('job.succeeded', { jobId: 'job_1', resultUrl: 'https://example.com/r' });
    const headers = signWebhook({ id: 'msg_1', body, secret });

    const result = await deliverWebhook({ url: target.url, body, headers, pinnedAddress: target.addresses[0], timeoutMs: 5000 });

    expect(result).toMatchObject({ ok: true, status: 204 });
    expect(result.error).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const request = received.at(-1)!;
    expect(request.path).toBe('/ok');
    expect(request.body).toBe(body);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe(WEBHOOK_USER_AGENT);
    expect(request.headers.host).toBe(`hooks.pertouch.invalid:${port}`);
    expect(verifyWebhook(request.headers, request.body, secret)).toMatchObject({ id: 'msg_1' });
  });

  it('connects only to the pinned address, whatever DNS would say now', async () => {
    // Pinned to a closed port on another loopback address: the server on 127.0.0.1 must not be reached.
    const before = received.length;
    const result = await deliverWebhook({ url: `http://localhost:${port}/ok`, body: '{}', headers: {}, pinnedAddress: '127.0.0.2', timeoutMs: 2000 });
    expect(result.ok).toBe(false);
    expect(result.status).toBeNull();
    expect(received.length).toBe(before);
  });

  it('reports a non-2xx answer with its status and the start of its body', async () => {
    const result = await deliverWebhook({ url: hostUrl('/error'), body: '{}', headers: {}, pinnedAddress: '127.0.0.1' });
    expect(result).toMatchObject({ ok: false, status: 500, error: 'HTTP 500', responseBody: 'database is down' });
  });

  it('does not follow redirects', async () => {
    const before = received.length;
    const result = await deliverWebhook({ url: hostUrl('/redirect'), body: '{}', headers: {}, pinnedAddress: '127.0.0.1' });
    expect(result.ok).toBe(false);
    expect(result.status).toBe(302);
    expect(result.error).toMatch(/redirect .* not followed/);
    expect(received.slice(before).map((r) => r.path)).toEqual(['/redirect']);
  });

  it('reads at most maxResponseBytes of a huge answer', async () => {
    const result = await deliverWebhook({ url: hostUrl('/huge'), body: '{}', headers: {}, pinnedAddress: '127.0.0.1', maxResponseBytes: 100 });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.responseBody).toBe('x'.repeat(100));
  });

  it('gives up on a receiver that never answers', async () => {
    const result = await deliverWebhook({ url: hostUrl('/hang'), body: '{}', headers: {}, pinnedAddress: '127.0.0.1', timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, status: null, error: 'timed out after 300 ms' });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(3000);
  });

  it('reports a refused connection without throwing', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await deliverWebhook({ url: `http://127.0.0.1:${closedPort}/`, body: '{}', headers: {}, pinnedAddress: '127.0.0.1' });
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it('refuses a pinned address that is not an IP address, and non-http URLs', async () => {
    await expect(deliverWebhook({ url: hostUrl('/ok'), body: '{}', headers: {}, pinnedAddress: 'localhost' })).rejects.toThrow(TypeError);
    await expect(deliverWebhook({ url: 'file:///etc/passwd', body: '{}', headers: {}, pinnedAddress: '127.0.0.1' })).rejects.toThrow(/http or https/);
  });
});
