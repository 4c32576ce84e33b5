/**
 * /readyz: every dependency a request may need — Redis (queues, rate limit, events),
 * Postgres, object storage — checked in parallel, each with a deadline so a hung
 * dependency reads as down rather than hanging the probe.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '../logger.js';
import type { ReadinessCheck } from '../ports.js';
import { LOGGER, READINESS_CHECKS } from '../tokens.js';

export const READINESS_TIMEOUT_MS = 2_000;

export interface Readiness {
  readonly ready: boolean;
  /** `ok` or `down` per dependency; why it is down goes to the log, not to the (unauthenticated) caller. */
  readonly checks: Readonly<Record<string, 'ok' | 'down'>>;
}

function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

@Injectable()
export class ReadinessService {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[],
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async check(): Promise<Readiness> {
    const results = await Promise.all(
      this.checks.map(async (dependency) => {
        try {
          await withDeadline(Promise.resolve().then(() => dependency.check()), READINESS_TIMEOUT_MS);
          return [dependency.name, 'ok'] as const;
        } catch (error) {
          this.log({ level: 'warn', event: 'readiness.down', dependency: dependency.name, error: (error as Error).message });
          return [dependency.name, 'down'] as const;
        }
      }),
    );
    return { ready: results.every(([, status]) => status === 'ok'), checks: Object.fromEntries(results) };
  }
}
