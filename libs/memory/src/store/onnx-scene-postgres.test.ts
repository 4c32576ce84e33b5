/**
 * Scenes described by an ONNX scene model, on the real Postgres with pgvector: stored
 * under their `onnx:…` kind (16 numbers, no HNSW index → the exact search), found by a
 * query of the same kind, invisible to an embedded-v1 query (vectors of different kinds
 * are never compared).
 */
import { createScratchDatabase, type ScratchDatabase } from '@pertouch/db';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENE_TEST_DIMENSION, writeSceneTestModel } from '../../../../scripts/onnx/scene-test-model.mjs';
import { OnnxSceneModel } from '../descriptor/onnx-scene-model.js';
import { describeWithModel } from '../descriptor/scene-model.js';
import { axisVector } from '../testing/scenes.js';
import { cosineDistance } from '../vector-math.js';
import { PostgresMemoryRepository } from './postgres-memory-repository.js';
import { HNSW_INDEXED_KINDS } from './schema.js';

let scratch: ScratchDatabase;
let pool: pg.Pool;
let dir: string;
let model: OnnxSceneModel;

function landscape(horizon: number, sky: readonly number[], ground: readonly number[]) {
  const width = 320, height = 240;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(y < horizon * height ? sky : ground, (y * width + x) * 3);
  return { width, height, data };
}
const regions = [{ id: 0, label: 'sky' }, { id: 1, label: 'ground' }];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pertouch-scene-pg-'));
  model = await OnnxSceneModel.load({ path: writeSceneTestModel(dir), name: 'clip-test' });
  scratch = await createScratchDatabase(undefined, { poolSize: 1 });
  pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
  pool.on('error', () => {});
  await scratch.db.tenants.create({ id: 'onnx-tenant', name: 'onnx-tenant', webhookSecret: 'whsec_test' });
});
afterAll(async () => {
  await pool?.end();
  await scratch?.drop();
  await model?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Postgres + pgvector: scenes of an ONNX scene model', () => {
  it('stores onnx:… scenes, finds them by exact search with the same kind, and keeps them from embedded-v1 queries', async () => {
    const repo = new PostgresMemoryRepository(pool);
    const t = 'onnx-tenant', u = 'ada';
    expect(HNSW_INDEXED_KINDS[model.kind]).toBeUndefined(); // not indexed: the exact path
    const dusk = await describeWithModel(model, landscape(0.5, [250, 140, 60], [40, 30, 20]), regions);
    const noon = await describeWithModel(model, landscape(0.3, [120, 180, 250], [60, 120, 40]), regions);
    expect(dusk.kind).toMatch(/^onnx:clip-test@[0-9a-f]{12}$/);
    expect(dusk.vector).toHaveLength(SCENE_TEST_DIMENSION);
    await repo.remember({ tenantId: t, userId: u, jobId: 'job_dusk', features: dusk, labels: { sky: { temperature: 0.6 } }, global: { colorfulness: 0.3 } });
    await repo.remember({ tenantId: t, userId: u, jobId: 'job_noon', features: noon, labels: { sky: { temperature: -0.4 } } });
    // An embedded-v1 scene of the same user, for the other direction.
    await repo.remember({ tenantId: t, userId: u, jobId: 'job_embedded', features: { kind: 'embedded-v1', vector: axisVector(0), labels: ['sky'] }, labels: { sky: { brightness: 0.2 } } });

    const query = await model.embed(landscape(0.55, [245, 135, 70], [35, 30, 25]));
    const found = await repo.nearest(t, u, { kind: model.kind, vector: query }, 10);
    expect(found.map((n) => n.jobId)).toEqual(['job_dusk', 'job_noon']);
    expect(found[0].distance).toBeCloseTo(cosineDistance(query, dusk.vector), 5);
    expect(found[1].distance).toBeCloseTo(cosineDistance(query, noon.vector), 5);
    expect(found[0]).toMatchObject({ labels: { sky: { temperature: 0.6 } }, global: { colorfulness: 0.3 } });

    const embedded = await repo.nearest(t, u, { kind: 'embedded-v1', vector: axisVector(0) }, 10);
    expect(embedded.map((n) => n.jobId)).toEqual(['job_embedded']);
    // Another model (other weights → another kind) sees none of them either.
    expect(await repo.nearest(t, u, { kind: 'onnx:clip-test@000000000000', vector: query }, 10)).toEqual([]);
    expect(await repo.count(t, u)).toBe(3);
  });
});
