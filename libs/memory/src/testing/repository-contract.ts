/**
 * The MemoryRepository contract as tests, run against every implementation (Postgres,
 * PGlite, in-memory) so that they cannot drift apart. Test-only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { MemoryRepository, UserTendency } from '../ports.js';
import { cosineDistance } from '../vector-math.js';
import { axisVector, confirmedScene } from './scenes.js';

export interface ContractFixture {
  readonly repository: MemoryRepository & { tendency(tenantId: string, userId: string): Promise<UserTendency> };
  /** Makes a tenant exist (on Postgres: a tenants row; elsewhere nothing to do). */
  createTenant(id: string): Promise<void>;
}

let tenantCounter = 0;

export function memoryRepositoryContract(name: string, open: () => Promise<ContractFixture>): void {
  describe(`${name}: the MemoryRepository contract`, () => {
    let fixture: ContractFixture;
    beforeAll(async () => {
      fixture = await open();
    });
    /** A fresh tenant per test, so that tests never see each other's scenes. */
    async function tenant(): Promise<string> {
      const id = `t${++tenantCounter}-${Math.random().toString(36).slice(2, 8)}`;
      await fixture.createTenant(id);
      return id;
    }

    it('remembers scenes and finds a user\'s nearest first, with pgvector\'s cosine distances and the stored values', async () => {
      const t = await tenant();
      const repo = fixture.repository;
      const near = axisVector(0, 1, 0.1);
      const middle = axisVector(0, 1, 1);
      const far = axisVector(5);
      await repo.remember(confirmedScene(t, 'u', 'job_far', far, { sky: { brightness: -0.5 } }));
      await repo.remember(confirmedScene(t, 'u', 'job_near', near, { sky: { brightness: 0.3, temperature: 0.6 }, ground: { contrast: -0.2 } }, { contrast: 0.1 }));
      await repo.remember(confirmedScene(t, 'u', 'job_middle', middle, { sky: { brightness: 0.1 } }));

      const query = axisVector(0);
      const found = await repo.nearest(t, 'u', { kind: 'embedded-v1', vector: query }, 2);
      expect(found.map((n) => n.jobId)).toEqual(['job_near', 'job_middle']);
      expect(found[0].distance).toBeCloseTo(cosineDistance(query, near), 5);
      expect(found[1].distance).toBeCloseTo(cosineDistance(query, middle), 5);
      expect(found[0]).toMatchObject({ global: { contrast: 0.1 }, labels: { sky: { brightness: 0.3, temperature: 0.6 }, ground: { contrast: -0.2 } } });
      expect(found[1].global).toBeUndefined();

      const all = await repo.nearest(t, 'u', { kind: 'embedded-v1', vector: query }, 10);
      expect(all.map((n) => n.jobId)).toEqual(['job_near', 'job_middle', 'job_far']);
      expect(await repo.count(t, 'u')).toBe(3);
    });

    it('replaces a scene confirmed again for the same job (idempotent per tenant, user and job)', async () => {
      const t = await tenant();
      const repo = fixture.repository;
      await repo.remember(confirmedScene(t, 'u', 'job_1', axisVector(1), { sky: { brightness: 0.1 } }));
      await repo.remember(confirmedScene(t, 'u', 'job_1', axisVector(1), { sky: { brightness: 0.1 } }));
      await repo.remember(confirmedScene(t, 'u', 'job_1', axisVector(2), { sky: { brightness: 0.7 } }));
      expect(await repo.count(t, 'u')).toBe(1);
      const [only] = await repo.nearest(t, 'u', { kind: 'embedded-v1', vector: axisVector(2) }, 5);
      expect(only).toMatchObject({ jobId: 'job_1', labels: { sky: { brightness: 0.7 } } });
      expect(only.distance).toBeCloseTo(0, 5);
    });

    it('keeps users and tenants apart: forgetting one user leaves the others untouched', async () => {
      const [a, b] = [await tenant(), await tenant()];
      const repo = fixture.repository;
      const v = axisVector(3);
      await repo.remember(confirmedScene(a, 'alice', 'job_1', v, { sky: { brightness: 0.5 } }));
      await repo.remember(confirmedScene(a, 'alice', 'job_2', v, { sky: { brightness: 0.5 } }));
      await repo.remember(confirmedScene(a, 'bob', 'job_1', v, { sky: { brightness: -0.5 } }));
      await repo.remember(confirmedScene(b, 'alice', 'job_1', v, { sky: { brightness: -0.9 } }));

      const alice = await repo.nearest(a, 'alice', { kind: 'embedded-v1', vector: v }, 10);
      expect(alice.map((n) => n.labels.sky?.brightness)).toEqual([0.5, 0.5]);
      expect((await repo.nearest(a, 'bob', { kind: 'embedded-v1', vector: v }, 10)).map((n) => n.labels.sky?.brightness)).toEqual([-0.5]);
      expect((await repo.nearest(b, 'alice', { kind: 'embedded-v1', vector: v }, 10)).map((n) => n.labels.sky?.brightness)).toEqual([-0.9]);

      expect(await repo.forget(a, 'alice')).toBe(2);
      expect(await repo.count(a, 'alice')).toBe(0);
      expect(await repo.nearest(a, 'alice', { kind: 'embedded-v1', vector: v }, 10)).toEqual([]);
      expect(await repo.count(a, 'bob')).toBe(1);
      expect(await repo.count(b, 'alice')).toBe(1);
      expect(await repo.forget(a, 'alice')).toBe(0);
    });

    it('never compares vectors of different feature kinds', async () => {
      const t = await tenant();
      const repo = fixture.repository;
      await repo.remember(confirmedScene(t, 'u', 'job_embedded', axisVector(0)));
      const onnx = { kind: 'onnx:clip-vit-b32', vector: Float32Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0)), labels: ['sky'] };
      await repo.remember({ tenantId: t, userId: 'u', jobId: 'job_onnx', features: onnx, labels: { sky: { contrast: 0.4 } } });
      expect((await repo.nearest(t, 'u', onnx, 5)).map((n) => n.jobId)).toEqual(['job_onnx']);
      expect((await repo.nearest(t, 'u', { kind: 'embedded-v1', vector: axisVector(0) }, 5)).map((n) => n.jobId)).toEqual(['job_embedded']);
      expect(await repo.count(t, 'u')).toBe(2);
    });

    it('averages a user\'s values per label and attribute into their tendency', async () => {
      const t = await tenant();
      const repo = fixture.repository;
      await repo.remember(confirmedScene(t, 'u', 'job_1', axisVector(0), { sky: { brightness: 0.2, temperature: -0.4 } }, { contrast: 0.3 }));
      await repo.remember(confirmedScene(t, 'u', 'job_2', axisVector(1), { sky: { brightness: 0.6 }, ground: { contrast: -0.1 } }));
      await repo.remember(confirmedScene(t, 'other', 'job_3', axisVector(1), { sky: { brightness: -1 } }));
      const tendency = await repo.tendency(t, 'u');
      expect(tendency.global.contrast).toEqual({ mean: expect.closeTo(0.3, 10), count: 1 });
      expect(tendency.labels.sky?.brightness).toEqual({ mean: expect.closeTo(0.4, 10), count: 2 });
      expect(tendency.labels.sky?.temperature).toEqual({ mean: expect.closeTo(-0.4, 10), count: 1 });
      expect(tendency.labels.ground?.contrast).toEqual({ mean: expect.closeTo(-0.1, 10), count: 1 });
      expect(tendency.labels.sky?.colorfulness).toBeUndefined();
      expect(await repo.tendency(t, 'nobody')).toEqual({ global: {}, labels: {} });
    });

    it('keeps the tendency exact through re-confirmations, concurrent ones and forget', async () => {
      const t = await tenant();
      const repo = fixture.repository;
      await repo.remember(confirmedScene(t, 'u', 'job_1', axisVector(0), { sky: { brightness: 0.2 } }, { contrast: 0.5 }));
      await repo.remember(confirmedScene(t, 'u', 'job_1', axisVector(0), { sky: { brightness: 0.6 }, ground: { contrast: 0.1 } }));
      let tendency = await repo.tendency(t, 'u');
      expect(tendency.labels.sky?.brightness).toEqual({ mean: expect.closeTo(0.6, 10), count: 1 });
      expect(tendency.global).toEqual({});
      await repo.remember(confirmedScene(t, 'u', 'job_1', axisVector(0), { ground: { contrast: 0.1 } }));
      tendency = await repo.tendency(t, 'u');
      expect(tendency.labels).toEqual({ ground: { contrast: { mean: expect.closeTo(0.1, 10), count: 1 } } });

      // Five deliveries of one new confirmation at once count once.
      await Promise.all(Array.from({ length: 5 }, () => repo.remember(confirmedScene(t, 'u', 'job_2', axisVector(1), { ground: { contrast: 0.3 } }))));
      expect(await repo.count(t, 'u')).toBe(2);
      expect((await repo.tendency(t, 'u')).labels.ground?.contrast).toEqual({ mean: expect.closeTo(0.2, 10), count: 2 });

      await repo.forget(t, 'u');
      expect(await repo.tendency(t, 'u')).toEqual({ global: {}, labels: {} });
    });

    it('rejects what no estimate could use: wrong dimensions, non-finite numbers, values outside [-1, 1], bad k', async () => {
      const t = await tenant();
      const repo = fixture.repository;
      await expect(repo.remember(confirmedScene(t, 'u', 'job_1', new Float32Array(10).fill(0.1)))).rejects.toThrow(RangeError);
      const nan = axisVector(0);
      nan[3] = Number.NaN;
      await expect(repo.remember(confirmedScene(t, 'u', 'job_1', nan))).rejects.toThrow(/non-finite/);
      await expect(repo.remember(confirmedScene(t, 'u', 'job_1', axisVector(0), { sky: { brightness: 1.5 } }))).rejects.toThrow(/\[-1, 1\]/);
      await expect(repo.nearest(t, 'u', { kind: 'embedded-v1', vector: axisVector(0) }, 0)).rejects.toThrow(/k must be/);
      expect(await repo.count(t, 'u')).toBe(0);
    });
  });
}
