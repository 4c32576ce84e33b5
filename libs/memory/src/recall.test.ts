import { describe, expect, it } from 'vitest';
import type { MemoryRepository } from './ports.js';
import { recallPreferences } from './recall.js';
import { InMemoryMemoryRepository } from './store/in-memory-repository.js';
import { axisVector, confirmedScene } from './testing/scenes.js';

describe('recallPreferences', () => {
  it('weighs the k nearest scenes against the user\'s tendency', async () => {
    const memory = new InMemoryMemoryRepository();
    await memory.remember(confirmedScene('t', 'u', 'job_same', axisVector(0), { sky: { brightness: 0.8 } }));
    await memory.remember(confirmedScene('t', 'u', 'job_other', axisVector(9), { sky: { brightness: -0.8 } }));
    const features = { kind: 'embedded-v1', vector: axisVector(0), labels: ['sky'] };
    const estimate = await recallPreferences(memory, { tenantId: 't', userId: 'u', features });
    // Neighbour at d = 0 (w = 1, v = 0.8); the other at d = 1 weighs 0. Tendency: mean 0 over 2 → t = 0.
    expect(estimate.labels.sky?.brightness).toBeCloseTo(0.8 / 1.5, 12);
    expect(estimate.evidence.neighbours).toBe(1);
    // k = 1 and a stronger prior.
    const narrow = await recallPreferences(memory, { tenantId: 't', userId: 'u', features }, { k: 1, priorStrength: 1 });
    expect(narrow.labels.sky?.brightness).toBeCloseTo(0.4, 12);
  });

  it('uses the neighbours\' mean as the tendency when the repository has none', async () => {
    const inner = new InMemoryMemoryRepository();
    const withoutTendency: MemoryRepository = {
      remember: (s) => inner.remember(s),
      nearest: (...a) => inner.nearest(...a),
      forget: (...a) => inner.forget(...a),
      count: (...a) => inner.count(...a),
    };
    await inner.remember(confirmedScene('t', 'u', 'job_far', axisVector(9), { water: { contrast: 0.6 } }));
    const features = { kind: 'embedded-v1', vector: axisVector(0), labels: ['water'] };
    const estimate = await recallPreferences(withoutTendency, { tenantId: 't', userId: 'u', features });
    // The only neighbour is too far to count, so the value is its mean shrunk toward 0: 1·0.6/(1+1).
    expect(estimate.labels.water?.contrast).toBeCloseTo(0.3, 12);
  });
});
