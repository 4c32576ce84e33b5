import type { Database } from './ports.js';
import { createPool, type PoolOptions } from './pool.js';
import { PostgresApiKeyRepository } from './repositories/api-keys.js';
import { PostgresBatchRepository } from './repositories/batches.js';
import { PostgresImageRepository } from './repositories/images.js';
import { PostgresJobRepository } from './repositories/jobs.js';
import { PostgresTenantRepository } from './repositories/tenants.js';
import { PostgresWebhookDeliveryRepository } from './repositories/webhook-deliveries.js';
import { PostgresWebhookEndpointRepository } from './repositories/webhook-endpoints.js';

/**
 * The Postgres implementation of every port, over one pool. Connects lazily: a service
 * starts even while Postgres is down, and `ping()` (readiness) says whether it is up.
 */
export function createDatabase(options: PoolOptions): Database {
  const pool = createPool(options);
  let closing: Promise<void> | undefined;
  return {
    tenants: new PostgresTenantRepository(pool),
    apiKeys: new PostgresApiKeyRepository(pool),
    images: new PostgresImageRepository(pool),
    jobs: new PostgresJobRepository(pool),
    batches: new PostgresBatchRepository(pool),
    webhookEndpoints: new PostgresWebhookEndpointRepository(pool),
    webhookDeliveries: new PostgresWebhookDeliveryRepository(pool),
    async ping() {
      await pool.query('SELECT 1');
    },
    // pg throws when a pool is ended twice; shutdown paths often call close more than once.
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}
