/**
 * The one INSERT of jobs, shared by jobs.create (one job, idempotent) and batches.create
 * (up to MAX_BATCH_IMAGES jobs): one statement over parallel arrays, so a batch of a
 * thousand jobs is one round trip and one set of parameters, not a thousand.
 */
import type { Queryable } from '../pool.js';
import type { NewJob } from '../ports.js';
import { jsonParam, type JobRow } from '../rows.js';

const INSERT_JOBS = `INSERT INTO jobs (id, tenant_id, image_id, batch_id, user_id, request, webhook_url, idempotency_key, request_hash)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[], $9::text[])`;

function columnsOf(jobs: readonly NewJob[]): unknown[] {
  return [
    jobs.map((j) => j.id),
    jobs.map((j) => j.tenantId),
    jobs.map((j) => j.imageId),
    jobs.map((j) => j.batchId ?? null),
    jobs.map((j) => j.userId ?? null),
    jobs.map((j) => jsonParam(j.request)),
    jobs.map((j) => j.webhookUrl ?? null),
    jobs.map((j) => j.idempotencyKey ?? null),
    jobs.map((j) => j.requestHash ?? null),
  ];
}

/** Inserts every job; rows come back in the order of `jobs`. */
export async function insertJobs(db: Queryable, jobs: readonly NewJob[]): Promise<JobRow[]> {
  if (jobs.length === 0) return [];
  const { rows } = await db.query<JobRow>(`${INSERT_JOBS} RETURNING *`, columnsOf(jobs));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return jobs.map((job) => byId.get(job.id)!);
}

/**
 * Inserts one job unless the tenant already has a job with its idempotency key (the row
 * is then left alone and undefined returned). Concurrent inserts with one key wait for
 * each other on the unique index, so exactly one of them inserts.
 */
export async function insertJobUnlessKeyTaken(db: Queryable, job: NewJob): Promise<JobRow | undefined> {
  const { rows } = await db.query<JobRow>(
    `${INSERT_JOBS}
     ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING *`,
    columnsOf([job]),
  );
  return rows[0];
}
