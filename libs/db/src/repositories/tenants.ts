import type pg from 'pg';
import type { NewTenant, TenantRecord, TenantRepository } from '../ports.js';
import { toTenant, type TenantRow } from '../rows.js';
import { insertStatement } from '../sql.js';

export class PostgresTenantRepository implements TenantRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(tenant: NewTenant): Promise<TenantRecord> {
    const insert = insertStatement('tenants', {
      id: tenant.id,
      name: tenant.name,
      rate_limit_per_minute: tenant.rateLimitPerMinute,
      max_running_jobs: tenant.maxRunningJobs,
      daily_job_quota: tenant.dailyJobQuota,
      webhook_secret: tenant.webhookSecret,
    });
    const { rows } = await this.pool.query<TenantRow>(`${insert.text} RETURNING *`, insert.values);
    return toTenant(rows[0]);
  }

  async get(id: string): Promise<TenantRecord | undefined> {
    const { rows } = await this.pool.query<TenantRow>('SELECT * FROM tenants WHERE id = $1', [id]);
    return rows[0] && toTenant(rows[0]);
  }

  async list(): Promise<TenantRecord[]> {
    const { rows } = await this.pool.query<TenantRow>('SELECT * FROM tenants ORDER BY created_at, id');
    return rows.map(toTenant);
  }
}
