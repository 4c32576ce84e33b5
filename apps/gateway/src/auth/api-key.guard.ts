/**
 * Authentication, rate limiting and scopes for every /v1 route, in that order:
 *  1. the key (x-api-key or Bearer) is hashed and looked up among active keys; missing,
 *     unknown and revoked keys all get the same 401 `unauthenticated`, so a caller cannot
 *     tell a revoked key from a typo;
 *  2. the tenant's per-minute budget is charged (RateLimit-* headers on every answer,
 *     429 `rate_limited` with Retry-After when spent);
 *  3. the route's scope (@RequireScope) must be among the key's scopes (403 `forbidden_scope`).
 */
import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyScope, Database } from '@pertouch/db';
import type { Logger } from '../logger.js';
import type { RateLimiter } from '../ports.js';
import { problem } from '../http/problem.js';
import type { GatewayRequest, GatewayResponse } from '../http/request.js';
import { DATABASE, LOGGER, RATE_LIMITER } from '../tokens.js';
import { API_KEY_PATTERN, hashApiKey, presentedApiKey } from './api-keys.js';

const SCOPE_METADATA = 'pertouch:required-scope';

/** The scope a route needs. */
export const RequireScope = (scope: ApiKeyScope) => SetMetadata(SCOPE_METADATA, scope);

function unauthenticated() {
  return problem('unauthenticated', 'a valid API key is required (x-api-key header or Authorization: Bearer)', {
    headers: { 'www-authenticate': 'Bearer realm="pertouch"' },
  });
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  private lastOutageLog = 0;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<GatewayRequest>();
    const res = http.getResponse<GatewayResponse>();

    const key = presentedApiKey(req.headers);
    // A string that cannot be a key is not worth a database round trip.
    if (!key || !API_KEY_PATTERN.test(key)) throw unauthenticated();
    const found = await this.db.apiKeys.findActiveByHash(hashApiKey(key));
    if (!found || found.key.tenantId !== found.tenant.id) throw unauthenticated();
    req.auth = found;

    await this.chargeRateLimit(found.tenant.id, found.tenant.rateLimitPerMinute, res);

    const scope = this.reflector.get<ApiKeyScope | undefined>(SCOPE_METADATA, context.getHandler());
    if (scope && !found.key.scopes.includes(scope)) throw problem('forbidden_scope', `this API key lacks the ${scope} scope`);
    return true;
  }

  private async chargeRateLimit(tenantId: string, limitPerMinute: number, res: GatewayResponse): Promise<void> {
    let decision;
    try {
      decision = await this.limiter.consume(tenantId, limitPerMinute);
    } catch (error) {
      // Redis down: serve rather than fail every request (readiness reports the outage).
      if (Date.now() - this.lastOutageLog > 10_000) {
        this.lastOutageLog = Date.now();
        this.log({ level: 'warn', event: 'ratelimit.unavailable', tenantId, error: (error as Error).message });
      }
      return;
    }
    const headers = {
      'ratelimit-limit': String(decision.limit),
      'ratelimit-remaining': String(decision.remaining),
      'ratelimit-reset': String(decision.resetSeconds),
      'ratelimit-policy': `${decision.limit};w=60`,
    };
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (!decision.allowed) {
      throw problem('rate_limited', `rate limit of ${decision.limit} requests per minute exceeded; retry in ${decision.resetSeconds} s`, {
        headers: { ...headers, 'retry-after': String(decision.resetSeconds) },
      });
    }
  }
}
