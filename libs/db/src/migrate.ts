/** Schema migrations: node-pg-migrate over the SQL files in libs/db/migrations. */
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

/**
 * The migrations folder, found from this module (src/ under vitest, dist/ when built), so
 * migrating works from any working directory.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
export const MIGRATIONS_TABLE = 'pgmigrations';

export interface MigrateOptions {
  /** Default 'up'. */
  readonly direction?: 'up' | 'down';
  /** How many migrations to apply: default every pending one up, the last one down. */
  readonly count?: number;
  /** Called once per applied migration, after all of them committed: `up 1795788900000_initial-schema`. */
  readonly log?: (line: string) => void;
}

export interface AppliedMigration {
  readonly name: string;
  readonly direction: 'up' | 'down';
}

const silent = () => {};

/**
 * Applies migrations in one transaction (all or none). Concurrent callers (several
 * replicas starting at once) wait for each other on node-pg-migrate's advisory lock, and
 * the later ones find nothing left to do.
 */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<AppliedMigration[]> {
  const direction = options.direction ?? 'up';
  const ran = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction,
    count: options.count ?? (direction === 'up' ? Infinity : 1),
    singleTransaction: true,
    checkOrder: true,
    advisoryLockMode: 'wait',
    // node-pg-migrate narrates every step (and repeats failing SQL); callers get the
    // applied list and the thrown error instead.
    logger: { debug: silent, info: silent, warn: silent, error: silent },
  });
  const applied = ran.map((m) => ({ name: m.name, direction }));
  for (const m of applied) options.log?.(`${m.direction} ${m.name}`);
  return applied;
}
