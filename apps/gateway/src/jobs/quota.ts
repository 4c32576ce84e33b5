/** The tenant's daily job quota (jobs created per UTC day; null = unlimited). */
import type { Database, TenantRecord } from '@pertouch/db';
import { problem } from '../http/problem.js';

export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * Throws 429 `quota_exceeded` when `count` more jobs would pass the quota. A check, not a
 * reservation: requests racing at the edge of the quota may pass it by a few jobs.
 */
export async function assertQuota(db: Database, tenant: TenantRecord, count: number, now = new Date()): Promise<void> {
  if (tenant.dailyJobQuota === null) return;
  const dayStart = startOfUtcDay(now);
  const used = await db.jobs.countCreatedSince(tenant.id, dayStart);
  if (used + count > tenant.dailyJobQuota) {
    const secondsToMidnight = Math.max(1, Math.ceil((dayStart.getTime() + 86_400_000 - now.getTime()) / 1000));
    throw problem('quota_exceeded', `daily quota of ${tenant.dailyJobQuota} jobs reached (${used} created today); it resets at 00:00 UTC`, {
      headers: { 'retry-after': String(secondsToMidnight) },
    });
  }
}
