#!/usr/bin/env node
/**
 * The scene memory's benchmark (issue 5) on the real PostgreSQL with pgvector: lookup
 * latency with 100 000 stored scenes of one tenant — 900 users × 100 scenes and one heavy
 * user with 10 000 — in a scratch database (migrated, dropped at the end).
 *
 * - `nearest`: one user's 10 nearest scenes (`PostgresMemoryRepository.nearest`), one
 *   lookup at a time, for random ordinary users and for the heavy user: p50/p99 (target
 *   p99 ≤ 20 ms);
 * - `tendency`: the user's overall tendency (`tendency`, over their most recent scenes);
 * - `recall`: nearest + tendency + estimate (`recallPreferences`), what the agent calls;
 * - the plan Postgres picks for each kind of user, and recall@10 of the heavy user's
 *   lookups against an exact scan.
 *
 * Vectors are synthetic but clustered like descriptors: each user photographs a few of 40
 * "scene types" (random unit directions), each scene its type's direction plus noise.
 * Prints JSON on stdout (progress on stderr). Needs the build (libs/memory, libs/db).
 * Environment: MEMORY_USERS (900), MEMORY_SCENES_PER_USER (100), MEMORY_HEAVY_SCENES
 * (10000), MEMORY_LOOKUPS (400 per kind of user).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createScratchDatabase } from '../../libs/db/dist/index.js';
import { EMBEDDED_DIMENSION, PostgresMemoryRepository, recallPreferences } from '../../libs/memory/dist/index.js';
import { percentile } from './common.mjs';

const USERS = Number(process.env.MEMORY_USERS ?? 900);
const SCENES_PER_USER = Number(process.env.MEMORY_SCENES_PER_USER ?? 100);
const HEAVY_SCENES = Number(process.env.MEMORY_HEAVY_SCENES ?? 10_000);
const LOOKUPS = Number(process.env.MEMORY_LOOKUPS ?? 400);
const K = 10;
const SCENE_TYPES = 40;
const TENANT = 'bench';
const LABELS = ['sky', 'ground', 'vegetation', 'water', 'building', 'person', 'subject', 'background'];
const ATTRIBUTES = ['colorfulness', 'contrast', 'temperature', 'brightness'];
const log = (...a) => console.error('bench memory:', ...a);
const round2 = (x) => Math.round(x * 100) / 100;
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).map(Number);

/** mulberry32, so that every run stores the same scenes. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(5);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

function unit(v) {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const types = Array.from({ length: SCENE_TYPES }, () => unit(Array.from({ length: EMBEDDED_DIMENSION }, gaussian)));
/** A scene of a type: its direction plus noise (cosine distance to the type ~0.1–0.3). */
const sceneOf = (type) => unit(types[type].map((x) => x + gaussian() * 0.07));
const userTypes = (n) => Array.from({ length: n }, () => Math.floor(random() * SCENE_TYPES));

function labelValues() {
  const chosen = LABELS.filter(() => random() < 0.35).slice(0, 3);
  return Object.fromEntries((chosen.length ? chosen : ['background']).map((l) => [l, Object.fromEntries(ATTRIBUTES.map((a) => [a, round2(random() * 1.6 - 0.8)]))]));
}

/** Inserts one user's scenes in batches through unnest (much faster than one INSERT per scene). */
async function insertUser(pool, userId, count, kinds) {
  for (let start = 0; start < count; start += 2000) {
    const n = Math.min(2000, count - start);
    const jobs = [];
    const vectors = [];
    const labels = [];
    for (let i = 0; i < n; i++) {
      const values = labelValues();
      jobs.push(`job_${start + i}`);
      vectors.push(`[${sceneOf(kinds[(start + i) % kinds.length]).join(',')}]`);
      labels.push(JSON.stringify(values));
    }
    await pool.query(
      `INSERT INTO scene_memories (tenant_id, user_id, job_id, feature_kind, embedding, labels, label_values)
       SELECT $1, $2, j, 'embedded-v1', v::vector, ARRAY(SELECT jsonb_object_keys(l::jsonb)), l::jsonb
         FROM unnest($3::text[], $4::text[], $5::text[]) AS u(j, v, l)`,
      [TENANT, userId, jobs, vectors, labels],
    );
  }
}

function stats(ms) {
  return { n: ms.length, p50Ms: round2(percentile(ms, 50)), p99Ms: round2(percentile(ms, 99)), maxMs: round2(Math.max(...ms)) };
}

async function plan(pool, userId, query) {
  const { rows } = await pool.query(
    `EXPLAIN SELECT job_id FROM scene_memories WHERE tenant_id = $1 AND user_id = $2 AND feature_kind = 'embedded-v1'
      ORDER BY embedding::vector(${EMBEDDED_DIMENSION}) <=> $3::vector(${EMBEDDED_DIMENSION}) LIMIT ${K}`,
    [TENANT, userId, `[${query.join(',')}]`],
  );
  const text = rows.map((r) => r['QUERY PLAN']).join('\n');
  return /hnsw_idx/.test(text) ? 'hnsw index' : /tenant_id_user_id_job_id_key/.test(text) ? '(tenant_id, user_id, job_id) index + sort' : text.split('\n')[0];
}

const scratch = await createScratchDatabase(undefined, { poolSize: 1 });
const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
pool.on('error', () => {});
try {
  const loadBefore = loadavg();
  await scratch.db.tenants.create({ id: TENANT, name: 'bench', webhookSecret: 'whsec_bench' });
  const kindsOf = new Map();
  const total = USERS * SCENES_PER_USER + HEAVY_SCENES;
  log(`storing ${total} scenes (${USERS} users × ${SCENES_PER_USER} + one user with ${HEAVY_SCENES}) …`);
  const loadStart = performance.now();
  // The HNSW index is built once after the load (as for a restore), which is much faster than maintaining it per row.
  const indexDdl = (await pool.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'scene_memories_embedded_v1_hnsw_idx'`)).rows[0].indexdef;
  await pool.query('DROP INDEX scene_memories_embedded_v1_hnsw_idx');
  for (let u = 0; u < USERS; u++) {
    const kinds = userTypes(3 + Math.floor(random() * 4));
    kindsOf.set(`user-${u}`, kinds);
    await insertUser(pool, `user-${u}`, SCENES_PER_USER, kinds);
    if ((u + 1) % 300 === 0) log(`  ${u + 1} users`);
  }
  const heavyKinds = userTypes(12);
  kindsOf.set('heavy', heavyKinds);
  await insertUser(pool, 'heavy', HEAVY_SCENES, heavyKinds);
  // The running sums the repository keeps per user (scene_memory_tendencies), as remember() would have left them.
  await pool.query(
    `INSERT INTO scene_memory_tendencies (tenant_id, user_id, label, attribute, total, count)
     SELECT tenant_id, user_id, l.key, a.key, sum(a.value::float8), count(*)
       FROM scene_memories, jsonb_each(label_values) AS l(key, value), jsonb_each_text(l.value) AS a(key, value)
      GROUP BY 1, 2, 3, 4`,
  );
  const insertSeconds = (performance.now() - loadStart) / 1000;
  log(`inserted in ${insertSeconds.toFixed(1)} s; building the HNSW index …`);
  const indexStart = performance.now();
  await pool.query(`SET maintenance_work_mem = '256MB'`);
  await pool.query(indexDdl);
  const indexSeconds = (performance.now() - indexStart) / 1000;
  await pool.query('VACUUM ANALYZE scene_memories');
  const stored = (await pool.query(`SELECT count(*)::int AS n FROM scene_memories`)).rows[0].n;
  log(`index built in ${indexSeconds.toFixed(1)} s; ${stored} scenes stored`);

  const memory = new PostgresMemoryRepository(pool);
  const queryFor = (userId) => {
    const kinds = kindsOf.get(userId);
    return Float32Array.from(sceneOf(kinds[Math.floor(random() * kinds.length)]));
  };
  const features = (userId) => ({ kind: 'embedded-v1', vector: queryFor(userId), labels: ['sky', 'ground', 'subject'] });
  // Warm-up: the first lookups load the index and the extension into this backend.
  for (let i = 0; i < Math.min(50, USERS); i++) await memory.nearest(TENANT, `user-${i}`, features(`user-${i}`), K);
  await memory.nearest(TENANT, 'heavy', features('heavy'), K);

  async function time(fn) {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  }
  const ordinary = [];
  const heavy = [];
  const recallOrdinary = [];
  const recallHeavy = [];
  const tendencyOrdinary = [];
  const tendencyHeavy = [];
  let heavyHits = 0;
  for (let i = 0; i < LOOKUPS; i++) {
    const user = `user-${Math.floor(random() * USERS)}`;
    ordinary.push(await time(() => memory.nearest(TENANT, user, features(user), K)));
    const f = features('heavy');
    let found;
    heavy.push(await time(async () => (found = await memory.nearest(TENANT, 'heavy', f, K))));
    // recall@10 against an exact scan (the ordering no index serves).
    const exact = await pool.query(
      `SELECT job_id FROM scene_memories WHERE tenant_id = $1 AND user_id = 'heavy' AND feature_kind = 'embedded-v1' ORDER BY embedding <=> $2::vector LIMIT ${K}`,
      [TENANT, `[${Array.from(f.vector).join(',')}]`],
    );
    const want = new Set(exact.rows.map((r) => r.job_id));
    heavyHits += found.filter((n) => want.has(n.jobId)).length;
    tendencyOrdinary.push(await time(() => memory.tendency(TENANT, user)));
    tendencyHeavy.push(await time(() => memory.tendency(TENANT, 'heavy')));
    recallOrdinary.push(await time(() => recallPreferences(memory, { tenantId: TENANT, userId: user, features: features(user) })));
    recallHeavy.push(await time(() => recallPreferences(memory, { tenantId: TENANT, userId: 'heavy', features: features('heavy') })));
  }
  const version = (await pool.query(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`)).rows[0].extversion;
  const server = (await pool.query('SHOW server_version')).rows[0].server_version;
  const result = {
    postgres: server,
    pgvector: version,
    scenes: stored,
    users: USERS + 1,
    heavyUserScenes: HEAVY_SCENES,
    dimension: EMBEDDED_DIMENSION,
    k: K,
    insertSeconds: round2(insertSeconds),
    hnswBuildSeconds: round2(indexSeconds),
    nearest: { ordinaryUser: stats(ordinary), heavyUser: stats(heavy), all: stats([...ordinary, ...heavy]) },
    tendency: { ordinaryUser: stats(tendencyOrdinary), heavyUser: stats(tendencyHeavy) },
    recall: { ordinaryUser: stats(recallOrdinary), heavyUser: stats(recallHeavy) },
    heavyUserRecallAt10: round2(heavyHits / (LOOKUPS * K)),
    plans: { ordinaryUser: await plan(pool, 'user-1', queryFor('user-1')), heavyUser: await plan(pool, 'heavy', queryFor('heavy')) },
    targetP99Ms: 20,
    loadavg: { before: loadBefore, after: loadavg() },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await pool.end();
  await scratch.drop();
}
