import type pg from 'pg';
import { JOB_STATES, type JobState } from '@pertouch/contracts';
import { InvalidArgumentError } from '../errors.js';
import { withTransaction } from '../pool.js';
import type { CreateJobOutcome, JobCounts, JobPatch, JobRecord, JobRepository, JobRoundRecord, NewJob, StartJobOutcome } from '../ports.js';
import { jsonParam, toJob, toJobRound, type JobRoundRow, type JobRow } from '../rows.js';
import { insertJobs, insertJobUnlessKeyTaken } from './job-insert.js';
import { clampProgress, transitionStatement } from './job-transition.js';

/**
 * First key of the two-key advisory lock jobs.start takes per tenant (the second is a hash
 * of the tenant id). Two-key locks live apart from node-pg-migrate's one-key lock; a hash
 * collision between two tenants only makes their starts wait for each other.
 */
export const JOB_START_LOCK_NAMESPACE = 0x50544a53; // "PTJS"

export class PostgresJobRepository implements JobRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(job: NewJob): Promise<CreateJobOutcome> {
    if (job.idempotencyKey == null) {
      const [row] = await insertJobs(this.pool, [job]);
      return { kind: 'created', job: toJob(row) };
    }
    if (job.requestHash == null) throw new InvalidArgumentError(`job ${job.id}: an idempotencyKey needs a requestHash to tell a replay from a conflict`);
    const inserted = await insertJobUnlessKeyTaken(this.pool, job);
    if (inserted) return { kind: 'created', job: toJob(inserted) };
    // The key was taken: by the time ON CONFLICT gave up, the other insert had committed,
    // so this read (a new snapshot) sees it.
    const { rows } = await this.pool.query<JobRow>('SELECT * FROM jobs WHERE tenant_id = $1 AND idempotency_key = $2', [job.tenantId, job.idempotencyKey]);
    const existing = rows[0];
    if (!existing) throw new Error(`job with idempotency key ${job.idempotencyKey} vanished between insert and read`);
    return { kind: existing.request_hash === (job.requestHash ?? null) ? 'replayed' : 'conflict', job: toJob(existing) };
  }

  async get(tenantId: string, id: string): Promise<JobRecord | undefined> {
    const { rows } = await this.pool.query<JobRow>('SELECT * FROM jobs WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] && toJob(rows[0]);
  }

  async start(tenantId: string, id: string, maxRunning: number): Promise<StartJobOutcome> {
    return withTransaction(this.pool, async (client) => {
      // Every start of the tenant waits here, so the count below cannot be overtaken by a
      // concurrent start between counting and updating (which row locks would not prevent).
      await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [JOB_START_LOCK_NAMESPACE, tenantId]);
      const { rows } = await client.query<JobRow>('SELECT * FROM jobs WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, id]);
      const current = rows[0];
      if (!current) return { kind: 'gone' };
      if (current.state === 'running') return { kind: 'resumed', job: toJob(current) };
      if (current.state !== 'queued') return { kind: 'gone', job: toJob(current) };
      const counted = await client.query<{ running: number }>(`SELECT count(*)::int AS running FROM jobs WHERE tenant_id = $1 AND state = 'running'`, [tenantId]);
      if (counted.rows[0].running >= maxRunning) return { kind: 'busy' };
      const started = await client.query<JobRow>(
        `UPDATE jobs SET state = 'running', started_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        [tenantId, id],
      );
      return { kind: 'started', job: toJob(started.rows[0]) };
    });
  }

  async transition(tenantId: string, id: string, from: readonly JobState[], to: JobState, patch?: JobPatch): Promise<JobRecord | undefined> {
    const statement = transitionStatement(tenantId, id, from, to, patch);
    const { rows } = await this.pool.query<JobRow>(statement.text, statement.values);
    return rows[0] && toJob(rows[0]);
  }

  async setProgress(tenantId: string, id: string, stage: string, progress: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(`UPDATE jobs SET stage = $3, progress = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND state = 'running'`, [
      tenantId,
      id,
      stage,
      clampProgress(progress),
    ]);
    return rowCount === 1;
  }

  async saveRound(round: Omit<JobRoundRecord, 'createdAt'>): Promise<JobRoundRecord> {
    // A re-delivered round overwrites its own row; created_at keeps the first write.
    const { rows } = await this.pool.query<JobRoundRow>(
      `INSERT INTO job_rounds (job_id, n, map, report, image_key, verdict)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6::jsonb)
       ON CONFLICT (job_id, n) DO UPDATE SET map = excluded.map, report = excluded.report, image_key = excluded.image_key, verdict = excluded.verdict
       RETURNING *`,
      [round.jobId, round.n, jsonParam(round.map), jsonParam(round.report), round.imageKey, jsonParam(round.verdict)],
    );
    return toJobRound(rows[0]);
  }

  async rounds(jobId: string, tenantId?: string): Promise<JobRoundRecord[]> {
    const { rows } = await this.pool.query<JobRoundRow>(
      `SELECT r.* FROM job_rounds r JOIN jobs j ON j.id = r.job_id
       WHERE r.job_id = $1 AND ($2::text IS NULL OR j.tenant_id = $2)
       ORDER BY r.n`,
      [jobId, tenantId ?? null],
    );
    return rows.map(toJobRound);
  }

  async listByBatch(tenantId: string, batchId: string): Promise<JobRecord[]> {
    const { rows } = await this.pool.query<JobRow>('SELECT * FROM jobs WHERE tenant_id = $1 AND batch_id = $2 ORDER BY created_at, id', [tenantId, batchId]);
    return rows.map(toJob);
  }

  async countByBatch(tenantId: string, batchId: string): Promise<JobCounts> {
    const { rows } = await this.pool.query<{ state: JobState; count: number }>(
      'SELECT state, count(*)::int AS count FROM jobs WHERE tenant_id = $1 AND batch_id = $2 GROUP BY state',
      [tenantId, batchId],
    );
    const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
    for (const row of rows) counts[row.state] = row.count;
    return counts;
  }

  async countCreatedSince(tenantId: string, since: Date): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM jobs WHERE tenant_id = $1 AND created_at >= $2', [tenantId, since]);
    return rows[0].count;
  }

  async listQueued(tenantId: string, limit: number): Promise<JobRecord[]> {
    const { rows } = await this.pool.query<JobRow>(`SELECT * FROM jobs WHERE tenant_id = $1 AND state = 'queued' ORDER BY created_at, id LIMIT $2`, [
      tenantId,
      Math.max(0, Math.floor(limit)),
    ]);
    return rows.map(toJob);
  }
}
