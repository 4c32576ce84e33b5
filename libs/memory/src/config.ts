/**
 * Which store the scene memory uses, from the environment: Postgres (the service's
 * database, with pgvector) or the embedded PGlite store (no server).
 */
import { EnvConfigError, envVar, parseEnv } from '@pertouch/contracts';
import pg from 'pg';
import type { MemoryRepository, UserTendency } from './ports.js';
import { PgliteMemoryRepository } from './store/pglite-memory-repository.js';
import { PostgresMemoryRepository } from './store/postgres-memory-repository.js';
import { DEFAULT_EF_SEARCH } from './store/sql-memory-repository.js';

export const MEMORY_BACKENDS = ['postgres', 'embedded'] as const;
export type MemoryBackend = (typeof MEMORY_BACKENDS)[number];

export type MemoryConfig =
  | { readonly backend: 'postgres'; readonly url: string; readonly poolSize: number; readonly efSearch: number }
  | { readonly backend: 'embedded'; readonly dataDir?: string; readonly efSearch: number };

const MEMORY_ENV = {
  PERTOUCH_MEMORY_DIR: envVar.string(),
  PERTOUCH_MEMORY_POOL_SIZE: envVar.int(4, 1, 100),
  PERTOUCH_MEMORY_EF_SEARCH: envVar.int(DEFAULT_EF_SEARCH, 1, 1000),
};

function isPostgresUrl(value: string): boolean {
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * PERTOUCH_MEMORY = postgres | embedded (default: postgres when DATABASE_URL is set,
 * else embedded); DATABASE_URL; PERTOUCH_MEMORY_DIR (embedded data directory, default in
 * memory); PERTOUCH_MEMORY_POOL_SIZE (4); PERTOUCH_MEMORY_EF_SEARCH (100). Throws one
 * EnvConfigError listing every problem; never echoes DATABASE_URL (it holds the password).
 */
export function memoryConfigFromEnv(env: Readonly<Record<string, string | undefined>>): MemoryConfig {
  const problems: string[] = [];
  let values;
  try {
    values = parseEnv(MEMORY_ENV, env);
  } catch (error) {
    if (!(error instanceof EnvConfigError)) throw error;
    problems.push(...error.problems);
  }
  const url = env.DATABASE_URL?.trim() || undefined;
  const requested = env.PERTOUCH_MEMORY?.trim().toLowerCase() || undefined;
  const backend = requested ?? (url ? 'postgres' : 'embedded');
  if (!(MEMORY_BACKENDS as readonly string[]).includes(backend)) problems.push(`PERTOUCH_MEMORY: must be one of ${MEMORY_BACKENDS.join(', ')} (got ${JSON.stringify(env.PERTOUCH_MEMORY)})`);
  if (backend === 'postgres') {
    if (!url) problems.push('DATABASE_URL: is required when PERTOUCH_MEMORY=postgres');
    else if (!isPostgresUrl(url)) problems.push('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  }
  if (problems.length > 0 || !values) throw new EnvConfigError(problems);
  if (backend === 'postgres') return { backend, url: url!, poolSize: values.PERTOUCH_MEMORY_POOL_SIZE, efSearch: values.PERTOUCH_MEMORY_EF_SEARCH };
  return { backend: 'embedded', ...(values.PERTOUCH_MEMORY_DIR ? { dataDir: values.PERTOUCH_MEMORY_DIR } : {}), efSearch: values.PERTOUCH_MEMORY_EF_SEARCH };
}

/** A repository the factory opened, with the connection it owns. */
export interface OpenedMemoryRepository extends MemoryRepository {
  readonly backend: MemoryBackend;
  tendency(tenantId: string, userId: string): Promise<UserTendency>;
  /** Ends the pool or closes the embedded database. Idempotent. */
  close(): Promise<void>;
}

/**
 * The scene memory the environment asks for. Postgres: a pool of its own on DATABASE_URL
 * (migrated by pertouch-migrate; pgvector installed), connecting lazily. Embedded: PGlite,
 * schema created on open.
 */
export async function createMemoryRepository(env: Readonly<Record<string, string | undefined>> = process.env): Promise<OpenedMemoryRepository> {
  const config = memoryConfigFromEnv(env);
  if (config.backend === 'embedded') {
    const repository = await PgliteMemoryRepository.open({ dataDir: config.dataDir, efSearch: config.efSearch });
    return Object.assign(repository, { backend: 'embedded' as const });
  }
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize, application_name: 'pertouch-memory', statement_timeout: 10_000 });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  pool.on('error', (error) => console.error(`pertouch memory: idle connection error: ${error.message}`));
  const repository = new PostgresMemoryRepository(pool, { efSearch: config.efSearch });
  let closing: Promise<void> | undefined;
  return Object.assign(repository, {
    backend: 'postgres' as const,
    close: () => (closing ??= pool.end()),
  });
}
