/**
 * Throw-away databases for integration tests: a uniquely named database on the test
 * server, migrated, dropped at the end. Each test file takes its own, so files run in
 * parallel without seeing each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase } from './database.js';
import { migrate } from './migrate.js';
import type { Database } from './ports.js';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  /** Connection string of the scratch database. */
  readonly url: string;
  /** A Database on it (closed by drop). */
  readonly db: Database;
  /** Closes `db` and drops the database, ending any connection still open. Idempotent. */
  drop(): Promise<void>;
}

export interface ScratchDatabaseOptions {
  /** Run the migrations (default true; false gives an empty database). */
  readonly migrate?: boolean;
  /** Pool size of `db` (default 4: many test files share one server's 100 connections). */
  readonly poolSize?: number;
}

/** "source database is being accessed by other users": CREATE DATABASE copies template1, which must be idle. */
const TEMPLATE_BUSY = '55006';

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'pertouch-scratch' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createEmptyDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== TEMPLATE_BUSY || attempt === 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  });
}

export async function createScratchDatabase(
  adminUrl: string = process.env.PERTOUCH_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL,
  options: ScratchDatabaseOptions = {},
): Promise<ScratchDatabase> {
  // Lower-case hex only, so the name needs no quoting.
  const name = `pertouch_test_${randomBytes(8).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await createEmptyDatabase(adminUrl, name);
  let dropped: Promise<void> | undefined;
  const db = createDatabase({ url: url.href, poolSize: options.poolSize ?? 4, onIdleError: () => {} });
  const drop = () => {
    dropped ??= (async () => {
      await db.close();
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    })();
    return dropped;
  };
  try {
    if (options.migrate ?? true) await migrate(url.href);
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  return { url: url.href, db, drop };
}
