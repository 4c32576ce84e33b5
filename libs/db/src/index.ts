/**
 * @pertouch/db — PerTouch's Postgres: the repository ports, their Postgres
 * implementations behind `createDatabase`, migrations and a scratch database for tests.
 */
export * from './ports.js';
export { createDatabase } from './database.js';
export { databaseConfigFromEnv, DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS, type DatabaseConfig } from './config.js';
export type { PoolOptions } from './pool.js';
export { migrate, MIGRATIONS_DIR, MIGRATIONS_TABLE, type AppliedMigration, type MigrateOptions } from './migrate.js';
export { runMigrateCommand } from './migrate-command.js';
export { createScratchDatabase, DEFAULT_TEST_DATABASE_URL, type ScratchDatabase, type ScratchDatabaseOptions } from './scratch.js';
export { InvalidArgumentError, InvalidJobTransitionError, RecordNotFoundError } from './errors.js';
export { JOB_START_LOCK_NAMESPACE } from './repositories/jobs.js';
