-- PerTouch's durable state: tenants and their keys, images, jobs (with their rounds),
-- batches and webhooks. Ids are text (`job_…`, `img_…` from contracts' newId; tenant ids
-- are slugs). Every tenant-owned table carries tenant_id, and references between
-- tenant-owned rows go through (tenant_id, id) so that a row can never point at another
-- tenant's row, whatever a bug passes in.

-- Up Migration

CREATE TABLE tenants (
  id                     text PRIMARY KEY,
  name                   text NOT NULL,
  rate_limit_per_minute  integer NOT NULL DEFAULT 600 CHECK (rate_limit_per_minute > 0),
  max_running_jobs       integer NOT NULL DEFAULT 4 CHECK (max_running_jobs >= 0),
  daily_job_quota        integer CHECK (daily_job_quota >= 0),
  webhook_secret         text NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  tenant_id     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name          text NOT NULL,
  prefix        text NOT NULL,
  -- SHA-256 of the whole key: the lookup on every request, so unique and indexed.
  key_hash      text NOT NULL UNIQUE,
  scopes        text[] NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at);

CREATE TABLE images (
  id          text PRIMARY KEY,
  tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  object_key  text NOT NULL,
  format      text NOT NULL,
  width       integer NOT NULL CHECK (width > 0),
  height      integer NOT NULL CHECK (height > 0),
  bytes       bigint NOT NULL CHECK (bytes >= 0),
  sha256      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- The target of tenant-scoped foreign keys.
  UNIQUE (tenant_id, id)
);
CREATE INDEX images_tenant_created_idx ON images (tenant_id, created_at);

CREATE TABLE batches (
  id            text PRIMARY KEY,
  tenant_id     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  request       jsonb NOT NULL,
  total         integer NOT NULL CHECK (total >= 0),
  webhook_url   text,
  state         text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'completed')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz,
  UNIQUE (tenant_id, id),
  CHECK ((state = 'completed') = (completed_at IS NOT NULL))
);
CREATE INDEX batches_tenant_created_idx ON batches (tenant_id, created_at);

CREATE TABLE jobs (
  id               text PRIMARY KEY,
  tenant_id        text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  image_id         text NOT NULL,
  batch_id         text,
  user_id          text,
  request          jsonb NOT NULL,
  state            text NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  stage            text NOT NULL DEFAULT 'queued',
  progress         real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  error_code       text,
  error_message    text,
  result_key       text,
  result_format    text,
  result_width     integer,
  result_height    integer,
  result_bytes     bigint,
  idempotency_key  text,
  request_hash     text,
  webhook_url      text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  -- A job can only use its own tenant's image and batch.
  FOREIGN KEY (tenant_id, image_id) REFERENCES images (tenant_id, id),
  FOREIGN KEY (tenant_id, batch_id) REFERENCES batches (tenant_id, id) ON DELETE CASCADE,
  -- A replay is recognised by comparing request hashes, so a key needs one.
  CHECK (idempotency_key IS NULL OR request_hash IS NOT NULL),
  -- Timestamps follow the state machine (set by the repository's transitions).
  CHECK ((state IN ('succeeded', 'failed', 'cancelled')) = (finished_at IS NOT NULL)),
  CHECK (state <> 'running' OR started_at IS NOT NULL)
);
-- Idempotency keys are per tenant; the partial index is the ON CONFLICT target of jobs.create.
CREATE UNIQUE INDEX jobs_tenant_idempotency_key_idx ON jobs (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_tenant_created_idx ON jobs (tenant_id, created_at);
CREATE INDEX jobs_batch_state_idx ON jobs (batch_id, state) WHERE batch_id IS NOT NULL;
-- Running-job count (start) and oldest queued jobs (listQueued).
CREATE INDEX jobs_tenant_state_idx ON jobs (tenant_id, state, created_at);
CREATE INDEX jobs_image_idx ON jobs (tenant_id, image_id);

CREATE TABLE job_rounds (
  job_id      text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  n           integer NOT NULL CHECK (n >= 1),
  map         jsonb NOT NULL,
  report      jsonb,
  image_key   text,
  verdict     jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, n)
);

CREATE TABLE webhook_endpoints (
  id           text PRIMARY KEY,
  tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url          text NOT NULL,
  events       text[] NOT NULL,
  description  text,
  secret       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE INDEX webhook_endpoints_tenant_idx ON webhook_endpoints (tenant_id, created_at);

CREATE TABLE webhook_deliveries (
  id            text PRIMARY KEY,
  tenant_id     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- Null for per-job/per-batch webhookUrls, and once the endpoint is deleted (the log stays).
  endpoint_id   text,
  url           text NOT NULL,
  event_type    text NOT NULL,
  payload       jsonb NOT NULL,
  state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_status   integer,
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  delivered_at  timestamptz,
  UNIQUE (tenant_id, id),
  -- SET NULL on endpoint_id only: tenant_id is part of the key and must stay.
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE SET NULL (endpoint_id)
);
CREATE INDEX webhook_deliveries_tenant_created_idx ON webhook_deliveries (tenant_id, created_at);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (tenant_id, endpoint_id) WHERE endpoint_id IS NOT NULL;

-- Down Migration

DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE job_rounds;
DROP TABLE jobs;
DROP TABLE batches;
DROP TABLE images;
DROP TABLE api_keys;
DROP TABLE tenants;
