import type pg from 'pg';
import type { WebhookEndpointRecord, WebhookEndpointRepository } from '../ports.js';
import { toWebhookEndpoint, type WebhookEndpointRow } from '../rows.js';

export class PostgresWebhookEndpointRepository implements WebhookEndpointRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(endpoint: Omit<WebhookEndpointRecord, 'createdAt'>): Promise<WebhookEndpointRecord> {
    const { rows } = await this.pool.query<WebhookEndpointRow>(
      `INSERT INTO webhook_endpoints (id, tenant_id, url, events, description, secret) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [endpoint.id, endpoint.tenantId, endpoint.url, [...endpoint.events], endpoint.description, endpoint.secret],
    );
    return toWebhookEndpoint(rows[0]);
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpointRecord | undefined> {
    const { rows } = await this.pool.query<WebhookEndpointRow>('SELECT * FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] && toWebhookEndpoint(rows[0]);
  }

  async list(tenantId: string): Promise<WebhookEndpointRecord[]> {
    const { rows } = await this.pool.query<WebhookEndpointRow>('SELECT * FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at, id', [tenantId]);
    return rows.map(toWebhookEndpoint);
  }

  /** Its deliveries stay in the log with endpoint_id set to null. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rowCount === 1;
  }

  async forEvent(tenantId: string, eventType: string): Promise<WebhookEndpointRecord[]> {
    const { rows } = await this.pool.query<WebhookEndpointRow>(
      'SELECT * FROM webhook_endpoints WHERE tenant_id = $1 AND $2 = ANY(events) ORDER BY created_at, id',
      [tenantId, eventType],
    );
    return rows.map(toWebhookEndpoint);
  }
}
