-- Scene-aware taste memory (libs/memory, design.md §6): one row per edit an end-user of
-- a tenant confirmed — the scene descriptor F(image) and the values they accepted, per
-- region label and globally. Needs the pgvector extension (scripts/pgvector.sh installs
-- it on Debian; the docker-compose image has it).
--
-- `embedding` is an untyped vector so that descriptors of other kinds (an ONNX model's
-- 512 numbers) can be stored beside embedded-v1's 63 without a schema change; vectors
-- of different kinds are never compared (every query filters on feature_kind). Each
-- kind that needs approximate search gets its own partial HNSW index on a cast to its
-- dimension; queries that want it order by the same expression. The statements between
-- the markers are also the schema of the embedded store (libs/memory/src/store/schema.ts,
-- kept identical by a test).

-- Up Migration

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE scene_memories (
  tenant_id     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id       text NOT NULL,
  job_id        text NOT NULL,
  feature_kind  text NOT NULL,
  embedding     vector NOT NULL,
  labels        text[] NOT NULL DEFAULT '{}',
  global        jsonb NOT NULL DEFAULT '{}',
  label_values  jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- One memory per confirmed job: a second confirmation replaces the first. Its index is
  -- also the (tenant_id, user_id) index: count, forget, and the exact nearest-scene search
  -- within one user's scenes (the planner's choice over HNSW for most users).
  UNIQUE (tenant_id, user_id, job_id),
  CHECK (feature_kind <> 'embedded-v1' OR vector_dims(embedding) = 63)
);

-- Approximate nearest scenes of kind embedded-v1 by cosine distance.
CREATE INDEX scene_memories_embedded_v1_hnsw_idx ON scene_memories
  USING hnsw ((embedding::vector(63)) vector_cosine_ops) WHERE feature_kind = 'embedded-v1';

-- Each user's running sums of confirmed values per (label, attribute) — label '' is the
-- global entry — so that the tendency (the mean over all their scenes) is read in one
-- small lookup instead of aggregating thousands of jsonb documents. Maintained by the
-- repository in the same transaction as scene_memories.
CREATE TABLE scene_memory_tendencies (
  tenant_id  text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id    text NOT NULL,
  label      text NOT NULL,
  attribute  text NOT NULL,
  total      double precision NOT NULL,
  count      integer NOT NULL,
  PRIMARY KEY (tenant_id, user_id, label, attribute)
);

-- Down Migration

DROP TABLE scene_memory_tendencies;
DROP TABLE scene_memories;
DROP EXTENSION IF EXISTS vector;
