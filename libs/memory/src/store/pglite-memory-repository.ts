/**
 * The scene memory without a Postgres server: PGlite (Postgres compiled to WebAssembly,
 * in this process) with its pgvector build, running the same schema and statements as
 * the Postgres repository. For single-process deployments, the CLI and tests.
 */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { EMBEDDED_TENANTS_TABLE, SCENE_MEMORY_STATEMENTS } from './schema.js';
import type { SqlBackend, SqlResult, SqlSession } from './sql-backend.js';
import { SqlMemoryRepository, type SqlMemoryOptions } from './sql-memory-repository.js';

export interface PgliteMemoryOptions extends Omit<SqlMemoryOptions, 'registerTenants'> {
  /** Directory of the database files; unset keeps everything in memory (gone when the process ends). */
  readonly dataDir?: string;
}

function sessionOf(db: PGlite | Transaction): SqlSession {
  return {
    async query<R>(text: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
      const result = await db.query<R>(text, params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
    },
  };
}

function pgliteBackend(db: PGlite): SqlBackend {
  return {
    ...sessionOf(db),
    transaction: (work) => db.transaction((tx) => work(sessionOf(tx))),
  };
}

/** Creates the schema unless the data directory already has it. */
async function ensureSchema(db: PGlite): Promise<void> {
  const { rows } = await db.query<{ present: boolean }>(`SELECT to_regclass('public.scene_memories') IS NOT NULL AS present`);
  if (rows[0]?.present) return;
  await db.transaction(async (tx) => {
    await tx.query(EMBEDDED_TENANTS_TABLE);
    for (const statement of SCENE_MEMORY_STATEMENTS) await tx.query(statement);
  });
}

export class PgliteMemoryRepository extends SqlMemoryRepository {
  private constructor(
    private readonly db: PGlite,
    options: PgliteMemoryOptions,
  ) {
    super(pgliteBackend(db), { ...options, registerTenants: true });
  }

  /** Opens (or creates) the embedded database; takes a few seconds (the WebAssembly module loads). */
  static async open(options: PgliteMemoryOptions = {}): Promise<PgliteMemoryRepository> {
    const db = await PGlite.create({ dataDir: options.dataDir, extensions: { vector } });
    try {
      await ensureSchema(db);
    } catch (error) {
      await db.close().catch(() => {});
      throw error;
    }
    return new PgliteMemoryRepository(db, options);
  }

  /** Flushes and closes the database. Idempotent. */
  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
