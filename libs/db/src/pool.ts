/** The pg pool and the one transaction helper every multi-statement operation uses. */
import pg from 'pg';
import { DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS, type DatabaseConfig } from './config.js';

export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface PoolOptions extends DatabaseConfig {
  /**
   * Called when an idle pooled connection fails (server restart, network cut). Without a
   * listener pg's pool would emit an unhandled 'error' and crash the process; the pool
   * drops the broken client by itself, so reporting is all there is to do.
   */
  readonly onIdleError?: (error: Error) => void;
}

function reportIdleError(error: Error): void {
  console.error(`pertouch db: idle connection error: ${error.message}`);
}

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    application_name: 'pertouch',
  });
  pool.on('error', options.onIdleError ?? reportIdleError);
  return pool;
}

/** Runs `work` in BEGIN … COMMIT on one pooled client; rolls back on any error. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A client whose ROLLBACK fails is in an unknown state: destroy it rather than reuse it.
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
