/**
 * Per-tenant rate limit: a fixed one-minute window counted in Redis, so every gateway
 * replica shares one budget per tenant. INCR and the expiry run in one script: a counter
 * can never be left without its TTL.
 */
import type { Redis } from 'ioredis';
import type { RateLimitDecision, RateLimiter } from '../ports.js';

const WINDOW_MS = 60_000;
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
`;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    /** Keys live under `{prefix}:ratelimit:` (the deployment's BullMQ prefix). */
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  async consume(tenantId: string, limitPerMinute: number): Promise<RateLimitDecision> {
    // Down or reconnecting: fail now rather than make the request wait for ioredis's retries.
    if (this.redis.status !== 'ready') throw new Error(`redis connection is ${this.redis.status}`);
    const window = Math.floor(this.now() / WINDOW_MS);
    const key = `${this.prefix}:ratelimit:${tenantId}:${window}`;
    const [count, ttlMs] = (await this.redis.eval(SCRIPT, 1, key, WINDOW_MS)) as [number, number];
    const resetMs = ttlMs > 0 ? ttlMs : (window + 1) * WINDOW_MS - this.now();
    return {
      allowed: count <= limitPerMinute,
      limit: limitPerMinute,
      remaining: Math.max(0, limitPerMinute - count),
      resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
    };
  }
}
