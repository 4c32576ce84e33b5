import { createScratchDatabase, type ScratchDatabase } from '@pertouch/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRepository } from '../config.js';
import { memoryRepositoryContract } from '../testing/repository-contract.js';
import { axisVector, confirmedScene } from '../testing/scenes.js';
import { seededRandom } from '../testing/synthetic-scenes.js';
import { cosineDistance, l2Normalize } from '../vector-math.js';
import { EMBEDDED_DIMENSION } from '../descriptor/describe-scene.js';
import { PostgresMemoryRepository } from './postgres-memory-repository.js';
import { approximateNearestSql, vectorLiteral } from './sql-memory-repository.js';

let scratch: ScratchDatabase;
let pool: pg.Pool;
const pools: pg.Pool[] = [];
/** A pool of the test's own; DROP DATABASE … WITH (FORCE) at the end may cut its connections, which is fine. */
function testPool(config: pg.PoolConfig): pg.Pool {
  const p = new pg.Pool({ connectionString: scratch.url, ...config });
  p.on('error', () => {});
  pools.push(p);
  return p;
}
beforeAll(async () => {
  scratch = await createScratchDatabase(undefined, { poolSize: 1 });
  pool = testPool({ max: 2 });
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await scratch?.drop();
});

async function createTenant(id: string): Promise<void> {
  await scratch.db.tenants.create({ id, name: id, webhookSecret: 'whsec_test' });
}

memoryRepositoryContract('Postgres + pgvector', async () => ({ repository: new PostgresMemoryRepository(pool), createTenant }));

describe('Postgres + pgvector: the HNSW index', () => {
  const tenant = 'hnsw-tenant';
  const random = seededRandom(7);
  const randomVector = () => l2Normalize(Float32Array.from({ length: EMBEDDED_DIMENSION }, () => random() - 0.5));
  const query = randomVector();
  const few: Float32Array[] = [];

  beforeAll(async () => {
    await createTenant(tenant);
    const repo = new PostgresMemoryRepository(pool);
    // 40 users × 20 scenes, and one user ("few") with 12 scenes among them.
    for (let u = 0; u < 40; u++) for (let j = 0; j < 20; j++) await repo.remember(confirmedScene(tenant, `user-${u}`, `job_${j}`, randomVector()));
    for (let j = 0; j < 12; j++) {
      few.push(randomVector());
      await repo.remember(confirmedScene(tenant, 'few', `job_${j}`, few[j]));
    }
    await pool.query('ANALYZE scene_memories');
  });

  /** A pool whose sessions prefer the HNSW index: sorting is made expensive, so the index's order wins. */
  function hnswPool(): pg.Pool {
    return testPool({ max: 1, options: '-c enable_sort=off' });
  }

  it('serves the approximate lookup (its expression and predicate match the partial index)', async () => {
    const client = await hnswPool().connect();
    try {
      const { rows } = await client.query(`EXPLAIN ${approximateNearestSql('embedded-v1', EMBEDDED_DIMENSION)}`, [tenant, 'few', vectorLiteral(query), 5]);
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('scene_memories_embedded_v1_hnsw_idx');
    } finally {
      client.release();
    }
  });

  it('still returns the user\'s k nearest when the filtered index scan comes back short', async () => {
    const starved = hnswPool();
    // Without iterative scans and with a tiny candidate list, the index filtered to one
    // user among 41 finds fewer than k of their scenes …
    const direct = await starved.connect();
    try {
      await direct.query('BEGIN');
      await direct.query(`SELECT set_config('hnsw.ef_search', '1', true), set_config('hnsw.iterative_scan', 'off', true)`);
      const { rows } = await direct.query(approximateNearestSql('embedded-v1', EMBEDDED_DIMENSION), [tenant, 'few', vectorLiteral(query), 10]);
      await direct.query('COMMIT');
      expect(rows.length).toBeLessThan(10);
    } finally {
      direct.release();
    }
    // … and the repository, searching the same way, answers the exact 10 all the same.
    const expected = few
      .map((v, j) => ({ jobId: `job_${j}`, distance: cosineDistance(v, query) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 10);
    const repo = new PostgresMemoryRepository(starved, { efSearch: 1, iterativeScan: false });
    const found = await repo.nearest(tenant, 'few', { kind: 'embedded-v1', vector: query }, 10);
    expect(found.map((n) => n.jobId)).toEqual(expected.map((e) => e.jobId));
    found.forEach((n, i) => expect(n.distance).toBeCloseTo(expected[i].distance, 5));
  });

  it('finds the same nearest scenes through the index as exactly, for a user with many scenes', async () => {
    const exact = await new PostgresMemoryRepository(pool).nearest(tenant, 'user-3', { kind: 'embedded-v1', vector: query }, 5);
    const indexed = await new PostgresMemoryRepository(hnswPool()).nearest(tenant, 'user-3', { kind: 'embedded-v1', vector: query }, 5);
    expect(indexed.map((n) => n.jobId)).toEqual(exact.map((n) => n.jobId));
    expect(indexed).toHaveLength(5);
  });

  it('uses pgvector ≥ 0.8 (iterative index scans) on this server', async () => {
    const { rows } = await pool.query(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`);
    const [major, minor] = String(rows[0].extversion).split('.').map(Number);
    expect(major > 0 || minor >= 8).toBe(true);
  });
});

describe('createMemoryRepository (postgres)', () => {
  it('opens a pool of its own on DATABASE_URL and closes it once', async () => {
    await createTenant('factory-tenant');
    const repo = await createMemoryRepository({ DATABASE_URL: scratch.url });
    try {
      expect(repo.backend).toBe('postgres');
      await repo.remember(confirmedScene('factory-tenant', 'u', 'job_1', axisVector(0)));
      expect(await repo.count('factory-tenant', 'u')).toBe(1);
    } finally {
      await repo.close();
      await repo.close();
    }
  });
});
