import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from './database.js';
import { createPool, withTransaction } from './pool.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch.js';

let scratch: ScratchDatabase;
beforeAll(async () => {
  scratch = await createScratchDatabase(undefined, { poolSize: 1 });
});
afterAll(() => scratch?.drop());

async function terminateConnections(applicationName: string): Promise<number> {
  const admin = new pg.Client(scratch.url);
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`,
      [applicationName],
    );
    return rows[0].n;
  } finally {
    await admin.end();
  }
}

describe('createDatabase', () => {
  it('survives its idle connections being killed, and reconnects', async () => {
    const errors: Error[] = [];
    const db = createDatabase({ url: scratch.url, poolSize: 2, onIdleError: (error) => errors.push(error) });
    try {
      await db.ping();
      expect(await terminateConnections('pertouch')).toBeGreaterThan(0);
      await expect.poll(() => errors.length, { timeout: 5000 }).toBeGreaterThan(0);
      await db.ping();
    } finally {
      await db.close();
    }
    await db.close(); // a second close is harmless
  });

  it('rejects ping while the server is unreachable, without throwing at creation', async () => {
    const db = createDatabase({ url: 'postgres://postgres@127.0.0.1:1/none' });
    await expect(db.ping()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await db.close();
  });
});

describe('pool', () => {
  it('applies the statement timeout', async () => {
    const pool = createPool({ url: scratch.url, poolSize: 1, statementTimeoutMs: 50 });
    try {
      await expect(pool.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await pool.end();
    }
  });

  it('rolls a failed transaction back', async () => {
    const pool = createPool({ url: scratch.url, poolSize: 1 });
    try {
      await pool.query('CREATE TEMP TABLE IF NOT EXISTS t (n int)'); // one connection: the temp table stays visible
      await expect(
        withTransaction(pool, async (client) => {
          await client.query('INSERT INTO t VALUES (1)');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect((await pool.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(0);
      await withTransaction(pool, (client) => client.query('INSERT INTO t VALUES (2)'));
      expect((await pool.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(1);
    } finally {
      await pool.end();
    }
  });
});
