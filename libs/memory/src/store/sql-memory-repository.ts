/**
 * MemoryRepository over SQL with pgvector: the same statements on Postgres and on
 * PGlite. Nearest scenes are found by cosine distance (`<=>`) among one user's scenes
 * of one feature kind.
 *
 * Filtering an HNSW index by tenant and user can starve it: the index walks the whole
 * graph and most candidates belong to other users, so it may return fewer than k rows.
 * pgvector ≥ 0.8 then keeps scanning (`hnsw.iterative_scan = relaxed_order`, up to
 * `hnsw.max_scan_tuples`); before 0.8 only a larger `hnsw.ef_search` helps. Either way,
 * when the index answers fewer than k rows the search is repeated exactly (an ordering
 * the index cannot serve, so the planner scans the user's rows through the unique
 * (tenant_id, user_id, job_id) index): a lookup never returns fewer scenes than the user
 * has, up to k. For most users the planner picks that exact plan anyway.
 */
import type { ConfirmedScene, MemoryRepository, SceneFeatures, SceneNeighbour, UserTendency } from '../ports.js';
import type { AttributeName, AttributeValues, TendencyCell } from '../ports.js';
import { HNSW_INDEXED_KINDS } from './schema.js';
import type { SqlBackend, SqlSession } from './sql-backend.js';
import { GLOBAL_LABEL, tendencyDelta, type TendencyChange } from './tendency-delta.js';
import { checkFeatures, checkNeighbourCount, checkScene, definedValues } from './validate.js';

export interface SqlMemoryOptions {
  /** hnsw.ef_search for lookups (default 100; pgvector's own default is 40). */
  readonly efSearch?: number;
  /** Let the index keep scanning when filtering starves it (`hnsw.iterative_scan = relaxed_order`), where pgvector ≥ 0.8 has it (default true). */
  readonly iterativeScan?: boolean;
  /** The embedded store registers tenants as their scenes arrive (it has no tenants of its own). */
  readonly registerTenants?: boolean;
}

export const DEFAULT_EF_SEARCH = 100;
/** pg_advisory_xact_lock's first key for "one user's memory is being changed" ("PTMM"). */
export const MEMORY_LOCK_NAMESPACE = 0x50544d4d;

interface NeighbourRow {
  job_id: string;
  distance: number;
  global: AttributeValues;
  label_values: Record<string, AttributeValues>;
}

interface TendencyRow {
  label: string;
  attribute: string;
  total: number;
  count: number;
}

async function lockUser(session: SqlSession, tenantId: string, userId: string): Promise<void> {
  await session.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MEMORY_LOCK_NAMESPACE, JSON.stringify([tenantId, userId])]);
}

/** Adds the changes to the running sums; a cell whose count falls to 0 is removed. */
async function applyTendencyDelta(session: SqlSession, tenantId: string, userId: string, changes: readonly TendencyChange[]): Promise<void> {
  if (changes.length === 0) return;
  // A change with count ≤ 0 always meets an existing row (it undoes a value that was counted).
  await session.query(
    `INSERT INTO scene_memory_tendencies AS t (tenant_id, user_id, label, attribute, total, count)
     SELECT $1, $2, c.label, c.attribute, c.total, c.count
       FROM unnest($3::text[], $4::text[], $5::float8[], $6::int[]) AS c(label, attribute, total, count)
     ON CONFLICT (tenant_id, user_id, label, attribute) DO UPDATE SET total = t.total + EXCLUDED.total, count = t.count + EXCLUDED.count`,
    [tenantId, userId, changes.map((c) => c.label), changes.map((c) => c.attribute), changes.map((c) => c.total), changes.map((c) => c.count)],
  );
  if (changes.some((c) => c.count < 0)) {
    await session.query('DELETE FROM scene_memory_tendencies WHERE tenant_id = $1 AND user_id = $2 AND count <= 0', [tenantId, userId]);
  }
}

/** pgvector's text form, `[0.1,0.2,…]`; a Float32's shortest decimal form round-trips exactly. */
export function vectorLiteral(vector: ArrayLike<number>): string {
  return `[${Array.from(vector).join(',')}]`;
}

/** pgvector's version as [major, minor, patch]. */
export function parseExtensionVersion(text: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = text.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return [major, minor, patch];
}

/** Iterative index scans arrived in pgvector 0.8.0. */
export function supportsIterativeScan(version: readonly number[]): boolean {
  return version[0] > 0 || version[1] >= 8;
}

function neighbourFrom(row: NeighbourRow): SceneNeighbour {
  const global = row.global && Object.keys(row.global).length > 0 ? row.global : undefined;
  return { jobId: row.job_id, distance: Number(row.distance), ...(global ? { global } : {}), labels: row.label_values ?? {} };
}

/**
 * The lookup the HNSW index can serve: its own expression and predicate. `kind` and
 * `dimension` come from HNSW_INDEXED_KINDS, never from a caller, so inlining them is safe
 * — and needed, for the planner to see that the partial index's predicate holds.
 * Parameters: $1 tenant, $2 user, $3 the query vector, $4 k.
 */
export function approximateNearestSql(kind: string, dimension: number): string {
  if (HNSW_INDEXED_KINDS[kind] !== dimension) throw new RangeError(`${kind} has no HNSW index of dimension ${dimension}`);
  const distance = `embedding::vector(${dimension}) <=> $3::vector(${dimension})`;
  return `SELECT job_id, global, label_values, ${distance} AS distance
            FROM scene_memories
           WHERE tenant_id = $1 AND user_id = $2 AND feature_kind = '${kind}'
           ORDER BY ${distance} LIMIT $4`;
}

const byDistance = (a: SceneNeighbour, b: SceneNeighbour) => a.distance - b.distance || a.jobId.localeCompare(b.jobId);

export class SqlMemoryRepository implements MemoryRepository {
  private readonly efSearch: number;
  private iterativeScan: Promise<boolean> | undefined;

  constructor(
    protected readonly sql: SqlBackend,
    private readonly options: SqlMemoryOptions = {},
  ) {
    this.efSearch = options.efSearch ?? DEFAULT_EF_SEARCH;
    if (!Number.isInteger(this.efSearch) || this.efSearch < 1 || this.efSearch > 1000) throw new RangeError(`efSearch must be an integer from 1 to 1000 (got ${this.efSearch})`);
  }

  /**
   * Upserts the scene and moves the user's running sums by the difference to what it
   * replaces, in one transaction. Changes to one user's memory are serialised by an
   * advisory lock, so that two confirmations of one job arriving together cannot both
   * count as new.
   */
  async remember(scene: ConfirmedScene): Promise<void> {
    checkScene(scene);
    const next = { global: definedValues(scene.global), labels: Object.fromEntries(Object.entries(scene.labels).map(([label, values]) => [label, definedValues(values)])) };
    await this.sql.transaction(async (session) => {
      if (this.options.registerTenants) await session.query('INSERT INTO tenants (id) VALUES ($1) ON CONFLICT DO NOTHING', [scene.tenantId]);
      await lockUser(session, scene.tenantId, scene.userId);
      const { rows } = await session.query<{ global: AttributeValues; label_values: Record<string, AttributeValues> }>(
        'SELECT global, label_values FROM scene_memories WHERE tenant_id = $1 AND user_id = $2 AND job_id = $3',
        [scene.tenantId, scene.userId, scene.jobId],
      );
      const previous = rows[0] && { global: rows[0].global, labels: rows[0].label_values };
      await session.query(
        `INSERT INTO scene_memories (tenant_id, user_id, job_id, feature_kind, embedding, labels, global, label_values)
         VALUES ($1, $2, $3, $4, $5::vector, $6::text[], $7::jsonb, $8::jsonb)
         ON CONFLICT (tenant_id, user_id, job_id) DO UPDATE SET
           feature_kind = EXCLUDED.feature_kind, embedding = EXCLUDED.embedding, labels = EXCLUDED.labels,
           global = EXCLUDED.global, label_values = EXCLUDED.label_values, created_at = now()`,
        [
          scene.tenantId,
          scene.userId,
          scene.jobId,
          scene.features.kind,
          vectorLiteral(scene.features.vector),
          [...new Set(scene.features.labels)],
          JSON.stringify(next.global),
          JSON.stringify(next.labels),
        ],
      );
      await applyTendencyDelta(session, scene.tenantId, scene.userId, tendencyDelta(previous, next));
    });
  }

  async nearest(tenantId: string, userId: string, features: Pick<SceneFeatures, 'kind' | 'vector'>, k: number): Promise<SceneNeighbour[]> {
    checkFeatures(features);
    checkNeighbourCount(k);
    const query = vectorLiteral(features.vector);
    const dimension = HNSW_INDEXED_KINDS[features.kind];
    if (dimension !== undefined) {
      const approximate = await this.approximateNearest(tenantId, userId, features.kind, dimension, query, k);
      if (approximate.length === k) return approximate;
    }
    return this.exactNearest(this.sql, tenantId, userId, features.kind, query, k);
  }

  async forget(tenantId: string, userId: string): Promise<number> {
    return this.sql.transaction(async (session) => {
      await lockUser(session, tenantId, userId);
      await session.query('DELETE FROM scene_memory_tendencies WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
      const { rowCount } = await session.query('DELETE FROM scene_memories WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
      return rowCount;
    });
  }

  async count(tenantId: string, userId: string): Promise<number> {
    const { rows } = await this.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM scene_memories WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    return Number(rows[0]?.n ?? 0);
  }

  /** The mean over all the user's scenes, per (label, attribute) and globally, from the running sums. */
  async tendency(tenantId: string, userId: string): Promise<UserTendency> {
    const { rows } = await this.sql.query<TendencyRow>(
      'SELECT label, attribute, total, count FROM scene_memory_tendencies WHERE tenant_id = $1 AND user_id = $2',
      [tenantId, userId],
    );
    const global: Partial<Record<AttributeName, TendencyCell>> = {};
    const labels: Record<string, Partial<Record<AttributeName, TendencyCell>>> = {};
    for (const row of rows) {
      const count = Number(row.count);
      const cell = { mean: Number(row.total) / count, count };
      const target = row.label === GLOBAL_LABEL ? global : (labels[row.label] ??= {});
      target[row.attribute as AttributeName] = cell;
    }
    return { global, labels };
  }

  /** The HNSW-eligible ordering (the index's own expression), with the search settings for this transaction only. */
  private async approximateNearest(tenantId: string, userId: string, kind: string, dimension: number, query: string, k: number): Promise<SceneNeighbour[]> {
    const iterative = await this.iterativeScanSupported();
    const { rows } = await this.sql.transaction(async (session) => {
      await session.query(
        iterative
          ? `SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`
          : `SELECT set_config('hnsw.ef_search', $1, true)`,
        [String(this.efSearch)],
      );
      return session.query<NeighbourRow>(approximateNearestSql(kind, dimension), [tenantId, userId, query, k]);
    });
    // relaxed_order may hand rows back slightly out of order.
    return rows.map(neighbourFrom).sort(byDistance);
  }

  private async exactNearest(session: SqlSession, tenantId: string, userId: string, kind: string, query: string, k: number): Promise<SceneNeighbour[]> {
    const { rows } = await session.query<NeighbourRow>(
      `SELECT job_id, global, label_values, embedding <=> $4::vector AS distance
         FROM scene_memories
        WHERE tenant_id = $1 AND user_id = $2 AND feature_kind = $3
        ORDER BY distance, job_id LIMIT $5`,
      [tenantId, userId, kind, query, k],
    );
    return rows.map(neighbourFrom).sort(byDistance);
  }

  private iterativeScanSupported(): Promise<boolean> {
    if (this.options.iterativeScan === false) return Promise.resolve(false);
    this.iterativeScan ??= this.sql
      .query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`)
      .then(({ rows }) => rows.length > 0 && supportsIterativeScan(parseExtensionVersion(rows[0].extversion)));
    // A failed check (database down) is asked again next time rather than remembered.
    this.iterativeScan.catch(() => (this.iterativeScan = undefined));
    return this.iterativeScan;
  }
}
