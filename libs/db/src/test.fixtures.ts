/** Rows for the integration tests (not part of the built package). */
import { randomBytes } from 'node:crypto';
import { newId } from '@pertouch/contracts';
import type { Database, ImageRecord, NewJob, TenantRecord } from './ports.js';

export async function seedTenant(db: Database, overrides: { maxRunningJobs?: number } = {}): Promise<TenantRecord> {
  return db.tenants.create({ id: `t-${randomBytes(5).toString('hex')}`, name: 'Test tenant', webhookSecret: `whsec_${randomBytes(24).toString('base64')}`, ...overrides });
}

export async function seedImage(db: Database, tenantId: string): Promise<ImageRecord> {
  const id = newId('image');
  return db.images.create({ id, tenantId, objectKey: `tenants/${tenantId}/images/${id}/original`, format: 'jpeg', width: 640, height: 480, bytes: 123_456, sha256: randomBytes(32).toString('hex') });
}

export function newJob(tenantId: string, imageId: string, overrides: Partial<NewJob> = {}): NewJob {
  return { id: newId('job'), tenantId, imageId, request: { auto: true, output: { format: 'jpeg', quality: 90 } }, ...overrides };
}
