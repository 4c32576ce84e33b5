/**
 * The scene memory's schema. On Postgres it is libs/db's migration
 * `*_scene-memories.sql` (run by pertouch-migrate); the embedded store (PGlite) has no
 * migration runner and no tenants of its own, so it creates a minimal `tenants` table
 * and then runs exactly these statements — a test checks that they equal the
 * migration's up section.
 */

/** The migration's up section, statement by statement (comments left out). */
export const SCENE_MEMORY_STATEMENTS: readonly string[] = [
  `CREATE EXTENSION IF NOT EXISTS vector`,
  `CREATE TABLE scene_memories (
  tenant_id     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id       text NOT NULL,
  job_id        text NOT NULL,
  feature_kind  text NOT NULL,
  embedding     vector NOT NULL,
  labels        text[] NOT NULL DEFAULT '{}',
  global        jsonb NOT NULL DEFAULT '{}',
  label_values  jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, user_id, job_id),
  CHECK (feature_kind <> 'embedded-v1' OR vector_dims(embedding) = 63)
)`,
  `CREATE INDEX scene_memories_embedded_v1_hnsw_idx ON scene_memories
  USING hnsw ((embedding::vector(63)) vector_cosine_ops) WHERE feature_kind = 'embedded-v1'`,
  `CREATE TABLE scene_memory_tendencies (
  tenant_id  text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id    text NOT NULL,
  label      text NOT NULL,
  attribute  text NOT NULL,
  total      double precision NOT NULL,
  count      integer NOT NULL,
  PRIMARY KEY (tenant_id, user_id, label, attribute)
)`,
];

/** Tenants of the embedded store: only what the foreign key needs; rows are added as scenes arrive. */
export const EMBEDDED_TENANTS_TABLE = `CREATE TABLE IF NOT EXISTS tenants (id text PRIMARY KEY)`;

/**
 * Feature kinds that have a partial HNSW index, with the dimension of its cast. A query
 * for one of these orders by `embedding::vector(D) <=> …` so the planner may use the
 * index; any other kind is searched exactly (it is never compared across kinds anyway).
 */
export const HNSW_INDEXED_KINDS: Readonly<Record<string, number>> = { 'embedded-v1': 63 };
