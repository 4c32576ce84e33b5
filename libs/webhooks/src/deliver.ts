/**
 * One HTTP POST of a webhook, connected to an address checkWebhookTarget vetted. The
 * custom `lookup` hands the socket that address instead of asking DNS again, so a host
 * whose DNS answer flips to 127.0.0.1 after the check (DNS rebinding) still gets the
 * vetted one; TLS still checks the certificate against the URL's host name.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { VettedAddress } from './target.js';

export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;
/** Enough to log why a receiver said no; a receiver cannot make us buffer more. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4096;
export const WEBHOOK_USER_AGENT = 'PerTouch-Webhooks/1';

export interface DeliverWebhookInput {
  readonly url: string | URL;
  readonly body: string | Uint8Array;
  /** The signature headers (signWebhook); content-type, content-length and user-agent are added. */
  readonly headers: Readonly<Record<string, string>>;
  /** The whole exchange: connect, send, response headers, the capped body. */
  readonly timeoutMs?: number;
  /** Where to connect: one of checkWebhookTarget's addresses. */
  readonly pinnedAddress: VettedAddress | string;
  readonly maxResponseBytes?: number;
}

export interface DeliveryResult {
  /** True for a 2xx response; anything else (3xx included: redirects are not followed) is a failed attempt. */
  readonly ok: boolean;
  /** The response's status; null when none came (refused, reset, timed out before headers). */
  readonly status: number | null;
  readonly durationMs: number;
  /** The first maxResponseBytes of the response body, as UTF-8, for the delivery log. */
  readonly responseBody: string;
  /** Why the attempt failed; absent exactly when ok. */
  readonly error?: string;
}

function pinnedLookup(pinned: VettedAddress): LookupFunction {
  // Node asks with `all: true` when it may try several addresses (autoSelectFamily), else for one.
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}

function toVetted(pinned: VettedAddress | string): VettedAddress {
  if (typeof pinned !== 'string') return pinned;
  const family = isIP(pinned);
  if (family !== 4 && family !== 6) throw new TypeError(`pinnedAddress must be an IP address, got ${JSON.stringify(pinned)}`);
  return { address: pinned, family };
}

function failureOf(status: number, location: string | undefined): string | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status >= 300 && status < 400) return `redirect to ${location ?? '(no location)'} not followed (HTTP ${status})`;
  return `HTTP ${status}`;
}

/**
 * POSTs `body` once and never follows redirects. Network and HTTP trouble is in the
 * result; it rejects only for a caller's mistake (a non-http URL, a pinned non-address).
 */
export async function deliverWebhook(input: DeliverWebhookInput): Promise<DeliveryResult> {
  const url = new URL(input.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`webhook URL must be http or https, not ${url.protocol}`);
  const pinned = toVetted(input.pinnedAddress);
  const timeoutMs = input.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const maxBytes = input.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const body = typeof input.body === 'string' ? Buffer.from(input.body) : input.body;
  const started = performance.now();

  return new Promise<DeliveryResult>((resolve) => {
    let status: number | null = null;
    let location: string | undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;

    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      const failure = error ?? (status === null ? 'no response' : failureOf(status, location));
      resolve({
        ok: failure === undefined,
        status,
        durationMs: Math.round(performance.now() - started),
        responseBody: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'),
        ...(failure === undefined ? {} : { error: failure }),
      });
    };

    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      // A fresh connection each time: a pooled socket could have been opened for another address.
      agent: false,
      lookup: pinnedLookup(pinned),
      headers: {
        ...input.headers,
        'content-type': 'application/json',
        'content-length': String(body.byteLength),
        'user-agent': WEBHOOK_USER_AGENT,
        connection: 'close',
      },
    });
    // Headers received in time count, even if the body is slow: the receiver has answered.
    const timer = setTimeout(() => finish(status === null ? `timed out after ${timeoutMs} ms` : undefined), timeoutMs);

    request.on('response', (response) => {
      status = response.statusCode ?? null;
      location = response.headers.location;
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received >= maxBytes) finish();
      });
      response.on('end', () => finish());
      // A receiver that hangs up mid-body has still answered; 'close' covers every way out.
      response.on('error', () => finish());
      response.on('close', () => finish());
    });
    request.on('error', (error: NodeJS.ErrnoException) => finish(status === null ? `${error.code ?? 'error'}: ${error.message}` : undefined));
    request.end(body);
  });
}
