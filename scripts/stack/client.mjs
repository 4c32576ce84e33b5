/**
 * A minimal PerTouch API client over fetch, for the demo, the end-to-end tests and the
 * benchmarks. Non-2xx answers throw ApiError carrying the problem+json document.
 */
export class ApiError extends Error {
  constructor(status, problem, method, url) {
    super(`${method} ${url} → ${status} ${problem?.code ?? ''} ${problem?.detail ?? ''}`.trim());
    this.status = status;
    this.problem = problem;
  }
}

export function apiClient(baseUrl, apiKey) {
  async function request(method, path, { body, headers = {}, raw = false } = {}) {
    const init = { method, headers: { 'x-api-key': apiKey, ...headers } };
    if (body instanceof Uint8Array) {
      init.body = body;
      init.headers['content-type'] ??= 'application/octet-stream';
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { ...init, redirect: 'follow' });
    if (raw) return response;
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw Object.assign(new ApiError(response.status, json, method, path), { retryAfter: response.headers.get('retry-after') });
    return { status: response.status, headers: response.headers, body: json };
  }
  return {
    request,
    uploadImage: async (bytes) => (await request('POST', '/v1/images', { body: bytes })).body,
    createJob: async (spec, idempotencyKey) => (await request('POST', '/v1/jobs', { body: spec, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} })).body,
    getJob: async (id) => (await request('GET', `/v1/jobs/${id}`)).body,
    createBatch: async (spec) => (await request('POST', '/v1/batches', { body: spec })).body,
    getBatch: async (id) => (await request('GET', `/v1/batches/${id}`)).body,
    createWebhookEndpoint: async (spec) => (await request('POST', '/v1/webhook-endpoints', { body: spec })).body,
    /** The result image's bytes (following a redirect to a presigned URL if the API gives one). */
    async result(id) {
      const response = await request('GET', `/v1/jobs/${id}/result`, { raw: true });
      if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => undefined), 'GET', `/v1/jobs/${id}/result`);
      return Buffer.from(await response.arrayBuffer());
    },
    /** Resolves with the terminal job; polls (the SSE stream is exercised separately). */
    async waitForJob(id, { timeoutMs = 300_000, intervalMs = 250 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        let job;
        try {
          job = (await request('GET', `/v1/jobs/${id}`)).body;
        } catch (error) {
          // Polled too fast for the tenant's rate limit: wait as told (Retry-After), then go on.
          if (!(error instanceof ApiError) || error.status !== 429 || Date.now() > deadline) throw error;
          await new Promise((r) => setTimeout(r, Math.min(5000, 1000 * Number(error.retryAfter ?? 1))));
          continue;
        }
        if (['succeeded', 'failed', 'cancelled'].includes(job.state)) return job;
        if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    },
    /** Reads the job's Server-Sent Events until the stream ends; returns [{ event, data }]. */
    async events(id, { timeoutMs = 300_000 } = {}) {
      const response = await fetch(`${baseUrl}/v1/jobs/${id}/events`, { headers: { 'x-api-key': apiKey, accept: 'text/event-stream' }, signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => undefined), 'GET', `/v1/jobs/${id}/events`);
      const events = [];
      let buffer = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = { event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event.event = line.slice(6).trim();
            else if (line.startsWith('data:')) event.data += line.slice(5).trim();
          }
          if (event.data) events.push({ event: event.event, data: JSON.parse(event.data) });
        }
      }
      return events;
    },
  };
}
