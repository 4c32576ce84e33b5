import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryRepository } from '../config.js';
import { memoryRepositoryContract } from '../testing/repository-contract.js';
import { axisVector, confirmedScene } from '../testing/scenes.js';
import { PgliteMemoryRepository } from './pglite-memory-repository.js';

const opened: PgliteMemoryRepository[] = [];
afterAll(async () => {
  await Promise.all(opened.map((r) => r.close()));
});

memoryRepositoryContract('PGlite + pglite-pgvector (embedded)', async () => {
  const repository = await PgliteMemoryRepository.open();
  opened.push(repository);
  return { repository, createTenant: async () => {} };
});

describe('PGlite (embedded): a data directory', () => {
  it('keeps scenes across close and reopen, without recreating the schema', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pertouch-memory-'));
    try {
      const first = await createMemoryRepository({ PERTOUCH_MEMORY: 'embedded', PERTOUCH_MEMORY_DIR: dir });
      expect(first.backend).toBe('embedded');
      await first.remember(confirmedScene('acme', 'u', 'job_1', axisVector(0), { sky: { brightness: 0.4 } }));
      await first.close();
      await first.close();

      const second = await PgliteMemoryRepository.open({ dataDir: dir });
      try {
        expect(await second.count('acme', 'u')).toBe(1);
        const [n] = await second.nearest('acme', 'u', { kind: 'embedded-v1', vector: axisVector(0) }, 3);
        expect(n).toMatchObject({ jobId: 'job_1', labels: { sky: { brightness: 0.4 } } });
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
