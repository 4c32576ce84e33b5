import type pg from 'pg';
import type { ApiKeyRecord, ApiKeyRepository, NewApiKey, TenantRecord } from '../ports.js';
import { toApiKey, toTenant, type ApiKeyRow, type TenantRow } from '../rows.js';

/** last_used_at is informational: writing it on every request would make each one a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

const KEY_COLUMNS = 'k.id, k.tenant_id, k.name, k.prefix, k.scopes, k.created_at, k.last_used_at, k.revoked_at';
const TENANT_COLUMNS =
  't.id AS t_id, t.name AS t_name, t.rate_limit_per_minute AS t_rate_limit_per_minute, t.max_running_jobs AS t_max_running_jobs, ' +
  't.daily_job_quota AS t_daily_job_quota, t.webhook_secret AS t_webhook_secret, t.created_at AS t_created_at';

type KeyWithTenantRow = ApiKeyRow & { [K in keyof TenantRow as `t_${K & string}`]: TenantRow[K] };

function tenantOf(row: KeyWithTenantRow): TenantRow {
  return {
    id: row.t_id,
    name: row.t_name,
    rate_limit_per_minute: row.t_rate_limit_per_minute,
    max_running_jobs: row.t_max_running_jobs,
    daily_job_quota: row.t_daily_job_quota,
    webhook_secret: row.t_webhook_secret,
    created_at: row.t_created_at,
  };
}

export class PostgresApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(key: NewApiKey): Promise<ApiKeyRecord> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, scopes)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, tenant_id, name, prefix, scopes, created_at, last_used_at, revoked_at`,
      [key.id, key.tenantId, key.name, key.prefix, key.keyHash, [...key.scopes]],
    );
    return toApiKey(rows[0]);
  }

  async findActiveByHash(keyHash: string): Promise<{ key: ApiKeyRecord; tenant: TenantRecord } | undefined> {
    const { rows } = await this.pool.query<KeyWithTenantRow>(
      `SELECT ${KEY_COLUMNS}, ${TENANT_COLUMNS}
       FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
       WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [keyHash],
    );
    const row = rows[0];
    if (!row) return undefined;
    let lastUsedAt = row.last_used_at;
    if (lastUsedAt === null || Date.now() - lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      // The WHERE repeats the check so that concurrent requests of one key write once.
      const bumped = await this.pool.query<{ last_used_at: Date }>(
        `UPDATE api_keys SET last_used_at = now()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= now() - make_interval(secs => $2))
         RETURNING last_used_at`,
        [row.id, LAST_USED_RESOLUTION_MS / 1000],
      );
      lastUsedAt = bumped.rows[0]?.last_used_at ?? lastUsedAt;
    }
    return { key: toApiKey({ ...row, last_used_at: lastUsedAt }), tenant: toTenant(tenantOf(row)) };
  }

  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `SELECT id, tenant_id, name, prefix, scopes, created_at, last_used_at, revoked_at
       FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`,
      [tenantId],
    );
    return rows.map(toApiKey);
  }

  /** False when the key is unknown, another tenant's, or already revoked. */
  async revoke(tenantId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL', [tenantId, id]);
    return rowCount === 1;
  }
}
