/**
 * The diffusion engine on the tiny generated model set (libs/diffusion, CPU): targets to
 * parameter map to a full-resolution render with a report, per-step progress,
 * cancellation, one render at a time, out-of-memory recovery, and no leak over 100 jobs.
 */
import { DiffusionError, DiffusionPipeline, type LoadModelSetOptions } from '@pertouch/diffusion';
import { DEFAULT_CALIBRATION, type RgbImage, type Segmentation } from '@pertouch/imaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModelSet, type TinyModelSet } from '../../../libs/diffusion/src/testing/tiny-models.js';
import { landscape, landscapeRegions } from '../../../libs/diffusion/src/testing/images.js';
import { DiffusionRenderEngine, type DiffusionEngineOptions, type DiffusionRenderer } from './diffusion-engine.js';
import { RenderJobError } from './errors.js';
import type { LogLine } from './worker.js';

let models: TinyModelSet;
const WIDTH = 360, HEIGHT = 240;
const image: RgbImage = landscape(WIDTH, HEIGHT);
const segmentation: Segmentation = landscapeRegions(WIDTH, HEIGHT);

beforeAll(() => {
  models = writeTinyModelSet({ precisions: ['fp32'] });
});
afterAll(() => models?.remove());

function engine(overrides: Partial<DiffusionEngineOptions> = {}, logs: LogLine[] = []): DiffusionRenderEngine {
  return new DiffusionRenderEngine({ dir: models.dir, provider: 'cpu', precision: 'auto', steps: 6, seed: 42, threads: 1, table: DEFAULT_CALIBRATION, log: (l) => logs.push(l), ...overrides });
}

describe('DiffusionRenderEngine', () => {
  it('loads once, reports itself ready on the CPU, and renders the targets at full resolution with a report', async () => {
    const logs: LogLine[] = [];
    const e = engine({}, logs);
    expect(e.status().state).toBe('idle');
    e.preload();
    expect(e.status().state).toBe('loading');
    expect(await e.available()).toBe(true);
    expect(e.status()).toMatchObject({ name: 'diffusion', state: 'ready', provider: 'cpu', precision: 'fp32', steps: 6 });
    expect(logs).toContainEqual(expect.objectContaining({ event: 'diffusion.loaded', provider: 'cpu', precision: 'fp32' }));

    const progress: number[] = [];
    const targets = [{ id: 0, values: { brightness: 0.6, temperature: 0.5 } }];
    const { image: out, report } = await e.render(image, segmentation, targets, { onProgress: (f) => progress.push(f) });
    expect([out.width, out.height]).toEqual([WIDTH, HEIGHT]);
    // One progress report per DDIM step (plus preparation and the end), increasing to 1.
    expect(progress.length).toBeGreaterThanOrEqual(6 + 2);
    expect(progress.every((f, i) => i === 0 || f > progress[i - 1])).toBe(true);
    expect(progress.at(-1)).toBe(1);

    expect(report.regions.map((r) => r.id).sort()).toEqual([0, 1]);
    const ground = report.regions.find((r) => r.id === 0)!;
    const sky = report.regions.find((r) => r.id === 1)!;
    expect(ground.edited).toBe(true);
    expect(ground.target.brightness).toBe(0.6);
    expect(ground.target.contrast).toBe(ground.asShot.contrast); // unset: as shot
    expect(sky.edited).toBe(false);
    // Achieved is measured on the output: the ground got brighter and warmer, as asked.
    expect(ground.achieved.brightness).toBeGreaterThan(ground.asShot.brightness + 0.1);
    expect(ground.achieved.temperature).toBeGreaterThan(ground.asShot.temperature);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'diffusion.rendered', steps: 6, fitPsnrDb: expect.any(Number) }));
    expect((logs.find((l) => l.event === 'diffusion.rendered')!.fitPsnrDb as number)).toBeGreaterThanOrEqual(30);
    await e.close();
  });

  it('a region the working size lost is invalid_map', async () => {
    const e = engine();
    await expect(e.render(image, segmentation, [{ id: 7, values: { brightness: 0.2 } }])).rejects.toMatchObject({ name: 'RenderJobError', code: 'invalid_map' });
    await e.close();
  });

  it('honours the AbortSignal between steps', async () => {
    const e = engine({ steps: 50 });
    const controller = new AbortController();
    let reports = 0;
    const run = e.render(image, segmentation, [{ id: 0, values: { brightness: 0.3 } }], {
      signal: controller.signal,
      onProgress: () => {
        if (++reports === 4) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(reports).toBeLessThan(10);
    await e.close();
  });

  it('renders one job at a time', async () => {
    let running = 0, most = 0;
    const load = async (o: LoadModelSetOptions): Promise<DiffusionRenderer> => {
      const real = await DiffusionPipeline.load(o);
      return {
        get info() {
          return real.info;
        },
        get isReleased() {
          return real.isReleased;
        },
        release: () => real.release(),
        denoise: async (...args: Parameters<DiffusionPipeline['denoise']>) => {
          most = Math.max(most, ++running);
          try {
            return await real.denoise(...args);
          } finally {
            running--;
          }
        },
      };
    };
    const e = engine({ loadPipeline: load, steps: 3 });
    const targets = [{ id: 0, values: { brightness: 0.3 } }];
    await Promise.all([e.render(image, segmentation, targets), e.render(image, segmentation, targets), e.render(image, segmentation, targets)]);
    expect(most).toBe(1);
    await e.close();
  });

  it('a device out-of-memory frees the sessions and fails the attempt retryably; the retry loads again and renders', async () => {
    const logs: LogLine[] = [];
    let failNext = true;
    const released: DiffusionRenderer[] = [];
    const load = async (o: LoadModelSetOptions): Promise<DiffusionRenderer> => {
      const real = await DiffusionPipeline.load(o);
      return {
        get info() {
          return real.info;
        },
        get isReleased() {
          return real.isReleased;
        },
        release: async () => {
          released.push(real);
          await real.release();
        },
        denoise: async (...args: Parameters<DiffusionPipeline['denoise']>) => {
          if (failNext) {
            failNext = false;
            await real.release(); // what libs/diffusion does on an OOM from onnxruntime
            throw new DiffusionError('out_of_memory', 'unet ran out of device memory; the sessions were released: Failed to allocate memory');
          }
          return real.denoise(...args);
        },
      };
    };
    const e = engine({ loadPipeline: load }, logs);
    const targets = [{ id: 0, values: { brightness: 0.3 } }];
    const error = await e.render(image, segmentation, targets).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(RenderJobError); // so the worker rethrows it and BullMQ retries
    expect((error as Error).message).toMatch(/^device out of memory, the diffusion sessions were released/);
    expect(e.loads).toBe(1);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'diffusion.out_of_memory' }));
    const { image: out } = await e.render(image, segmentation, targets);
    expect(out.width).toBe(WIDTH);
    expect(e.loads).toBe(2);
    await e.close();
  });

  it('a model set that fails to load: not available, status failed with the reason, jobs fail engine_unavailable', async () => {
    const logs: LogLine[] = [];
    const e = engine({ loadPipeline: () => Promise.reject(new DiffusionError('model_invalid', 'controlnet input "controlnet_cond" has shape [1, 3, 512, 512], expected [1, 4, 512, 512]')) }, logs);
    expect(await e.available()).toBe(false);
    expect(e.status()).toMatchObject({ state: 'failed', error: expect.stringContaining('controlnet_cond') });
    expect(logs).toContainEqual(expect.objectContaining({ event: 'diffusion.load_failed', code: 'model_invalid' }));
    await expect(e.render(image, segmentation, [])).rejects.toMatchObject({ code: 'engine_unavailable' });
    await e.close();
  });

  it('memory stays flat over 100 jobs: one load, no session or tensor leak', async () => {
    const e = engine({ steps: 2 });
    const small = landscape(160, 120), regions = landscapeRegions(160, 120);
    const targets = [{ id: 0, values: { brightness: 0.3 } }, { id: 1, values: { temperature: -0.3 } }];
    for (let i = 0; i < 10; i++) await e.render(small, regions, targets); // warm-up: arenas, JIT
    const before = process.memoryUsage();
    for (let i = 0; i < 100; i++) await e.render(small, regions, targets);
    const after = process.memoryUsage();
    expect(e.loads).toBe(1);
    // A leaked parameter map alone is 4 MB a job (400 MB over 100); sessions are far more.
    expect((after.rss - before.rss) / 2 ** 20).toBeLessThan(48);
    expect((after.arrayBuffers - before.arrayBuffers) / 2 ** 20).toBeLessThan(48);
    await e.close();
  });
});
