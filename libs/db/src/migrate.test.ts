import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import { runMigrateCommand } from './migrate-command.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch.js';

const TABLES = ['api_keys', 'batches', 'images', 'job_rounds', 'jobs', 'scene_memories', 'scene_memory_tendencies', 'tenants', 'webhook_deliveries', 'webhook_endpoints'];

let scratch: ScratchDatabase;
beforeAll(async () => {
  scratch = await createScratchDatabase(undefined, { migrate: false });
});
afterAll(() => scratch?.drop());

async function tables(): Promise<string[]> {
  const client = new pg.Client(scratch.url);
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'pgmigrations' ORDER BY table_name`,
    );
    return rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
}

describe('migrate', () => {
  it('goes up, down and up again, reporting each applied migration once', async () => {
    const lines: string[] = [];
    const up = await migrate(scratch.url, { log: (line) => lines.push(line) });
    expect(up.map((m) => m.name)).toEqual([expect.stringMatching(/^\d+_initial-schema$/), expect.stringMatching(/^\d+_scene-memories$/)]);
    expect(lines).toEqual(up.map((m) => `up ${m.name}`));
    expect(await tables()).toEqual(TABLES);

    expect(await migrate(scratch.url)).toEqual([]);

    const down = await migrate(scratch.url, { direction: 'down', count: up.length });
    expect(down.map((m) => m.name)).toEqual(up.map((m) => m.name).reverse());
    expect(await tables()).toEqual([]);

    expect((await migrate(scratch.url)).map((m) => m.name)).toEqual(up.map((m) => m.name));
    expect(await tables()).toEqual(TABLES);
    await scratch.db.ping();
  });

  it('lets concurrent callers migrate once between them (advisory lock, then nothing to do)', async () => {
    await migrate(scratch.url, { direction: 'down', count: 100 });
    const results = await Promise.all([migrate(scratch.url), migrate(scratch.url), migrate(scratch.url)]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 0, 2]);
    expect(await tables()).toEqual(TABLES);
  });

  it('rejects what the schema forbids: a sixth job state', async () => {
    const tenant = await scratch.db.tenants.create({ id: 'check-tenant', name: 'x', webhookSecret: 'whsec_x' });
    const client = new pg.Client(scratch.url);
    await client.connect();
    try {
      await client.query(`INSERT INTO images (id, tenant_id, object_key, format, width, height, bytes, sha256) VALUES ('img_1', $1, 'k', 'png', 1, 1, 1, 'h')`, [tenant.id]);
      await expect(
        client.query(`INSERT INTO jobs (id, tenant_id, image_id, request, state) VALUES ('job_1', $1, 'img_1', '{}', 'paused')`, [tenant.id]),
      ).rejects.toMatchObject({ code: '23514' });
    } finally {
      await client.end();
    }
  });
});

describe('pertouch-migrate', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, output: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  }

  it('prints one line per migration, and "nothing to migrate" when up to date', async () => {
    await migrate(scratch.url, { direction: 'down', count: 100 });
    const first = capture();
    expect(await runMigrateCommand([], { DATABASE_URL: scratch.url }, first.output)).toBe(0);
    expect(first.out).toEqual([expect.stringMatching(/^pertouch-migrate: up \d+_initial-schema$/), expect.stringMatching(/^pertouch-migrate: up \d+_scene-memories$/)]);
    const second = capture();
    expect(await runMigrateCommand(['up'], { DATABASE_URL: scratch.url }, second.output)).toBe(0);
    expect(second.out).toEqual(['pertouch-migrate: nothing to migrate']);
  });

  it('fails with one line and status 1, never echoing a password', async () => {
    const missing = capture();
    expect(await runMigrateCommand([], {}, missing.output)).toBe(1);
    expect(missing.err).toEqual(['pertouch-migrate: DATABASE_URL: is required']);

    const wrong = capture();
    expect(await runMigrateCommand([], { DATABASE_URL: 'mysql://root:hunter2@db/x' }, wrong.output)).toBe(1);
    expect(wrong.err).toHaveLength(1);
    expect(wrong.err[0]).not.toContain('hunter2');

    const unreachable = capture();
    expect(await runMigrateCommand([], { DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/x' }, unreachable.output)).toBe(1);
    expect(unreachable.err).toEqual([expect.stringMatching(/^pertouch-migrate: .*ECONNREFUSED/)]);
    expect(unreachable.err[0]).not.toContain('hunter2');

    const usage = capture();
    expect(await runMigrateCommand(['sideways'], { DATABASE_URL: scratch.url }, usage.output)).toBe(1);
    expect(usage.err).toEqual(['pertouch-migrate: usage: pertouch-migrate [up | down [count]]']);
  });
});
