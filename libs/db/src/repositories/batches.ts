import type pg from 'pg';
import { InvalidArgumentError } from '../errors.js';
import { withTransaction } from '../pool.js';
import type { BatchRecord, BatchRepository, JobRecord, NewJob } from '../ports.js';
import { jsonParam, toBatch, toJob, type BatchRow } from '../rows.js';
import { insertJobs } from './job-insert.js';

export class PostgresBatchRepository implements BatchRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(batch: Omit<BatchRecord, 'state' | 'createdAt' | 'completedAt'>, jobs: readonly NewJob[]): Promise<{ batch: BatchRecord; jobs: JobRecord[] }> {
    for (const job of jobs) {
      if (job.tenantId !== batch.tenantId) throw new InvalidArgumentError(`job ${job.id} belongs to tenant ${job.tenantId}, batch ${batch.id} to ${batch.tenantId}`);
      if (job.batchId != null && job.batchId !== batch.id) throw new InvalidArgumentError(`job ${job.id} names batch ${job.batchId}, not ${batch.id}`);
    }
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<BatchRow>(
        `INSERT INTO batches (id, tenant_id, request, total, webhook_url) VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING *`,
        [batch.id, batch.tenantId, jsonParam(batch.request), batch.total, batch.webhookUrl],
      );
      const jobRows = await insertJobs(
        client,
        jobs.map((job) => ({ ...job, batchId: batch.id })),
      );
      return { batch: toBatch(rows[0]), jobs: jobRows.map(toJob) };
    });
  }

  async get(tenantId: string, id: string): Promise<BatchRecord | undefined> {
    const { rows } = await this.pool.query<BatchRow>('SELECT * FROM batches WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] && toBatch(rows[0]);
  }

  async completeIfDone(tenantId: string, id: string): Promise<boolean> {
    // Concurrent callers queue on the batch row; each re-checks `state = 'running'` once the
    // one before it committed, so exactly one of them flips it. Callers call this after their
    // job's terminal transition committed, so the last job to finish always sees all others done.
    const { rowCount } = await this.pool.query(
      `UPDATE batches SET state = 'completed', completed_at = now()
       WHERE tenant_id = $1 AND id = $2 AND state = 'running'
         AND NOT EXISTS (SELECT 1 FROM jobs WHERE tenant_id = $1 AND batch_id = $2 AND state IN ('queued', 'running'))`,
      [tenantId, id],
    );
    return rowCount === 1;
  }
}
