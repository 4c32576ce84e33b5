/** The scene memory on Postgres with pgvector (schema: libs/db's migration `*_scene-memories.sql`). */
import type pg from 'pg';
import type { SqlBackend, SqlResult, SqlSession } from './sql-backend.js';
import { SqlMemoryRepository, type SqlMemoryOptions } from './sql-memory-repository.js';

function sessionOf(client: pg.Pool | pg.PoolClient): SqlSession {
  return {
    async query<R>(text: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
      const result = await client.query(text, params as unknown[]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
  };
}

/** BEGIN … COMMIT on one pooled connection; a client whose ROLLBACK fails is discarded, not reused. */
function poolBackend(pool: pg.Pool): SqlBackend {
  return {
    ...sessionOf(pool),
    async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(sessionOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

/**
 * MemoryRepository on a node-postgres pool (the caller owns the pool and ends it). The
 * database must be migrated (pertouch-migrate) and have pgvector installed.
 */
export class PostgresMemoryRepository extends SqlMemoryRepository {
  constructor(pool: pg.Pool, options: Omit<SqlMemoryOptions, 'registerTenants'> = {}) {
    super(poolBackend(pool), options);
  }
}
