/**
 * One chat-completions call with a timeout per attempt and retries with exponential
 * backoff. Only transient failures are retried (timeouts, network errors, 408, 409, 425,
 * 429, 5xx); an answer that is wrong in content is not: asking again at temperature 0
 * rarely helps, and the rule engine is a fast fallback.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { VlmConfig } from './config.js';

export type VlmFailureReason = 'timeout' | 'network' | 'http_error' | 'bad_response' | 'refusal' | 'invalid_json' | 'schema_mismatch';

export class VlmFailure extends Error {
  override readonly name = 'VlmFailure';
  constructor(
    readonly reason: VlmFailureReason,
    message: string,
    /** Attempts made before giving up. */
    readonly attempts = 1,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  readonly fetch?: typeof fetch;
  /** First retry delay; each further retry doubles it (default 500 ms, at most 8 s). */
  readonly backoffMs?: number;
  readonly signal?: AbortSignal;
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);
const MAX_BACKOFF_MS = 8000;
const MAX_RETRY_AFTER_MS = 30_000;

function retryDelay(backoffMs: number, retry: number, retryAfter: string | null): number {
  const exponential = Math.min(backoffMs * 2 ** (retry - 1), MAX_BACKOFF_MS);
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  return seconds === undefined ? exponential : Math.max(exponential, Math.min(seconds * 1000, MAX_RETRY_AFTER_MS));
}

/** Posts `body`; returns the first choice's message content and how many attempts it took. */
export async function requestCompletion(config: VlmConfig, body: unknown, options: ClientOptions = {}): Promise<{ content: string; attempts: number }> {
  const fetchFn = options.fetch ?? fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (config.apiKey !== undefined) headers.authorization = `Bearer ${config.apiKey}`;
  const payload = JSON.stringify(body);
  let failure = new VlmFailure('network', 'no attempt made');
  let retryAfter: string | null = null;
  for (let attempt = 1; attempt <= config.retries + 1; attempt++) {
    if (attempt > 1) await delay(retryDelay(options.backoffMs ?? 500, attempt - 1, retryAfter), undefined, { signal: options.signal });
    retryAfter = null;
    const timeout = AbortSignal.timeout(config.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const response = await fetchFn(config.url, { method: 'POST', headers, body: payload, signal });
      if (!response.ok) {
        const text = (await response.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ');
        failure = new VlmFailure('http_error', `HTTP ${response.status}${text ? `: ${text}` : ''}`, attempt);
        if (response.status >= 500 || RETRYABLE_STATUS.has(response.status)) {
          retryAfter = response.headers.get('retry-after');
          continue;
        }
        throw failure;
      }
      return { content: messageContent(await response.json().catch(() => undefined), attempt), attempts: attempt };
    } catch (error) {
      if (error instanceof VlmFailure) throw error;
      if (options.signal?.aborted) throw error; // the caller gave up: no fallback, no retry
      failure = timeout.aborted
        ? new VlmFailure('timeout', `no answer within ${config.timeoutMs} ms`, attempt)
        : new VlmFailure('network', error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error), attempt);
    }
  }
  throw failure;
}

function messageContent(envelope: unknown, attempt: number): string {
  const message = (envelope as { choices?: { message?: { content?: unknown; refusal?: unknown } }[] } | undefined)?.choices?.[0]?.message;
  if (typeof message?.refusal === 'string' && message.refusal !== '') throw new VlmFailure('refusal', `the model refused: ${message.refusal.slice(0, 200)}`, attempt);
  if (typeof message?.content !== 'string') throw new VlmFailure('bad_response', 'the response has no choices[0].message.content string', attempt);
  return message.content;
}
