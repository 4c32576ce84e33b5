/** Which engines a configuration registers, and the health server that reports them. */
import { DEFAULT_CALIBRATION } from '@pertouch/imaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModelSet, type TinyModelSet } from '../../../libs/diffusion/src/testing/tiny-models.js';
import { loadConfig } from './config.js';
import { configuredEngines } from './configured-engines.js';
import { DiffusionRenderEngine } from './diffusion-engine.js';
import { EngineRegistry, type RenderEngine } from './engine.js';
import { startHealthServer } from './health-server.js';
import type { LogLine } from './worker.js';

let models: TinyModelSet;
beforeAll(() => {
  models = writeTinyModelSet({ precisions: ['fp32'] });
});
afterAll(() => models?.remove());

const options = (logs: LogLine[]) => ({ table: DEFAULT_CALIBRATION, log: (l: LogLine) => logs.push(l) });

describe('configuredEngines', () => {
  it('without PERTOUCH_DIFFUSION_DIR: the embedded engine alone', async () => {
    const engines = configuredEngines(loadConfig({}), options([]));
    expect(engines.map((e) => e.name)).toEqual(['embedded']);
    await new EngineRegistry(engines).close();
  });

  it('with a model set: the diffusion engine too, already loading', async () => {
    const logs: LogLine[] = [];
    const engines = configuredEngines(loadConfig({ PERTOUCH_DIFFUSION_DIR: models.dir, PERTOUCH_DIFFUSION_PROVIDER: 'cpu', PERTOUCH_DIFFUSION_STEPS: '20' }), options(logs));
    expect(engines.map((e) => e.name)).toEqual(['embedded', 'diffusion']);
    const diffusion = engines[1] as DiffusionRenderEngine;
    expect(diffusion.status()).toMatchObject({ state: 'loading', steps: 20 });
    expect(await diffusion.available()).toBe(true);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'engines.configured' }));
    await new EngineRegistry(engines).close();
  });

  it('a PERTOUCH_DIFFUSION_DIR that holds no model set: not registered, one log line says why, jobs get engine_unavailable', async () => {
    const logs: LogLine[] = [];
    const engines = configuredEngines(loadConfig({ PERTOUCH_DIFFUSION_DIR: '/nonexistent/models' }), options(logs));
    expect(engines.map((e) => e.name)).toEqual(['embedded']);
    expect(logs).toContainEqual({ event: 'engine.unavailable', engine: 'diffusion', dir: '/nonexistent/models', reason: 'no model-set.json in /nonexistent/models' });
    const registry = new EngineRegistry(engines);
    await expect(registry.require('diffusion')).rejects.toMatchObject({ code: 'engine_unavailable', message: expect.stringContaining('not installed') });
    await registry.close();
  });

  it('reads the diffusion variables', () => {
    const config = loadConfig({ PERTOUCH_DIFFUSION_DIR: '/models', PERTOUCH_DIFFUSION_PRECISION: 'fp16', PERTOUCH_DIFFUSION_PROVIDER: 'cuda', PERTOUCH_DIFFUSION_STEPS: '20', PERTOUCH_DIFFUSION_SEED: '7', PERTOUCH_DIFFUSION_THREADS: '4', GPU_WORKER_HEALTH_PORT: '9464' });
    expect(config.diffusion).toEqual({ dir: '/models', precision: 'fp16', provider: 'cuda', steps: 20, seed: 7, threads: 4 });
    expect(config.healthPort).toBe(9464);
    expect(loadConfig({}).diffusion).toBeUndefined();
    expect(loadConfig({}).healthPort).toBe(0);
    expect(() => loadConfig({ PERTOUCH_DIFFUSION_PROVIDER: 'tpu', PERTOUCH_DIFFUSION_STEPS: '0' })).toThrow(/PERTOUCH_DIFFUSION_PROVIDER[\s\S]*PERTOUCH_DIFFUSION_STEPS|PERTOUCH_DIFFUSION_STEPS[\s\S]*PERTOUCH_DIFFUSION_PROVIDER/);
  });
});

describe('health server', () => {
  it('/readyz is 503 while an engine loads or failed, 200 once all are ready, listing each with its provider', async () => {
    let state: 'loading' | 'ready' = 'loading';
    const fake: RenderEngine & { status(): object } = {
      name: 'diffusion',
      version: '1',
      available: async () => true,
      render: () => Promise.reject(new Error('unused')),
      status: () => ({ name: 'diffusion', version: '1', state, provider: 'cuda', precision: 'fp16' }),
    };
    const plain: RenderEngine = { name: 'embedded', version: '1', available: async () => true, render: () => Promise.reject(new Error('unused')) };
    const health = startHealthServer({ port: 0, host: '127.0.0.1', engines: [plain, fake] });
    await new Promise((r) => health.server.once('listening', r));
    const url = (p: string) => `http://127.0.0.1:${health.port()}${p}`;
    try {
      const loading = await fetch(url('/readyz'));
      expect(loading.status).toBe(503);
      expect(await loading.json()).toMatchObject({ status: 'not_ready', engines: [{ name: 'embedded', state: 'ready' }, { name: 'diffusion', state: 'loading' }] });
      state = 'ready';
      const ready = await fetch(url('/readyz'));
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', engines: [{ name: 'embedded', version: '1', state: 'ready' }, { name: 'diffusion', version: '1', state: 'ready', provider: 'cuda', precision: 'fp16' }] });
      expect((await fetch(url('/healthz'))).status).toBe(200);
      expect((await fetch(url('/nope'))).status).toBe(404);
      expect((await fetch(url('/readyz'), { method: 'POST' })).status).toBe(405);
    } finally {
      await health.close();
    }
  });
});
