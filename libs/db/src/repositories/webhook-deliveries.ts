import type pg from 'pg';
import { RecordNotFoundError } from '../errors.js';
import type { WebhookDeliveryRecord, WebhookDeliveryRepository } from '../ports.js';
import { jsonParam, toWebhookDelivery, type WebhookDeliveryRow } from '../rows.js';

const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;

export class PostgresWebhookDeliveryRepository implements WebhookDeliveryRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(delivery: Pick<WebhookDeliveryRecord, 'id' | 'tenantId' | 'endpointId' | 'url' | 'eventType' | 'payload'>): Promise<WebhookDeliveryRecord> {
    const { rows } = await this.pool.query<WebhookDeliveryRow>(
      `INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, url, event_type, payload) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING *`,
      [delivery.id, delivery.tenantId, delivery.endpointId, delivery.url, delivery.eventType, jsonParam(delivery.payload)],
    );
    return toWebhookDelivery(rows[0]);
  }

  async get(tenantId: string, id: string): Promise<WebhookDeliveryRecord | undefined> {
    const { rows } = await this.pool.query<WebhookDeliveryRow>('SELECT * FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] && toWebhookDelivery(rows[0]);
  }

  /**
   * Counts the attempt and moves the state: delivered on success, failed on a final
   * failure, pending otherwise. A delivery once delivered stays delivered (a late retry of
   * a re-delivered queue job must not mark it failed).
   */
  async recordAttempt(
    tenantId: string,
    id: string,
    attempt: { status: number | null; error: string | null; delivered: boolean; final: boolean },
  ): Promise<WebhookDeliveryRecord> {
    const { rows } = await this.pool.query<WebhookDeliveryRow>(
      `UPDATE webhook_deliveries SET
         attempts = attempts + 1,
         last_status = $3,
         last_error = $4,
         state = CASE WHEN $5::boolean OR state = 'delivered' THEN 'delivered' WHEN $6::boolean THEN 'failed' ELSE 'pending' END,
         delivered_at = CASE WHEN $5::boolean THEN COALESCE(delivered_at, now()) ELSE delivered_at END
       WHERE tenant_id = $1 AND id = $2
       RETURNING *`,
      [tenantId, id, attempt.status, attempt.error, attempt.delivered, attempt.final],
    );
    if (!rows[0]) throw new RecordNotFoundError('webhook delivery', id);
    return toWebhookDelivery(rows[0]);
  }

  /** Newest first. */
  async list(tenantId: string, options: { limit?: number; eventType?: string } = {}): Promise<WebhookDeliveryRecord[]> {
    const wanted = Number.isFinite(options.limit) ? Math.floor(options.limit!) : DEFAULT_LIST_LIMIT;
    const limit = Math.min(MAX_LIST_LIMIT, Math.max(1, wanted));
    const { rows } = await this.pool.query<WebhookDeliveryRow>(
      `SELECT * FROM webhook_deliveries WHERE tenant_id = $1 AND ($2::text IS NULL OR event_type = $2)
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [tenantId, options.eventType ?? null, limit],
    );
    return rows.map(toWebhookDelivery);
  }
}
