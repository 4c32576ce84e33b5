/**
 * End to end, the diffusion engine through the public API (issue 6's acceptance): the
 * gpu-worker configured with the tiny generated model set (scripts/onnx), a job with
 * `engine: "diffusion"` gives a full-resolution result and per-step progress events over
 * SSE; the stack's other engine and errors are unchanged.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDiffusionTestModelSet } from '../../scripts/onnx/diffusion-test-models.mjs';
import { apiClient } from '../../scripts/stack/client.mjs';
import { startScratchStack } from '../../scripts/stack/scratch.mjs';
import { testPhotos } from './photos.mjs';

const STEPS = 20;
let stack;
let api;
let models;

beforeAll(async () => {
  models = await mkdtemp(path.join(os.tmpdir(), 'pertouch-diffusion-models-'));
  writeDiffusionTestModelSet(models, { precisions: ['fp32'] });
  stack = await startScratchStack({
    name: 'e2e-diffusion',
    appEnv: { 'gpu-worker': { PERTOUCH_DIFFUSION_DIR: models, PERTOUCH_DIFFUSION_PROVIDER: 'cpu', PERTOUCH_DIFFUSION_STEPS: String(STEPS) } },
  });
  const tenant = await stack.tenant('e2e-diffusion', ['--rate-limit', '100000']);
  api = apiClient(stack.baseUrl, tenant.key);
}, 180_000);

afterAll(async () => {
  await stack?.destroy();
  if (models) await rm(models, { recursive: true, force: true });
}, 60_000);

describe('engine "diffusion" through the API', () => {
  it('renders at full resolution and reports progress per step', async () => {
    const [photo] = await testPhotos(1, 1);
    const image = await api.uploadImage(photo.bytes);
    const created = await api.createJob({ imageId: image.id, map: { global: { brightness: 0.3, temperature: 0.2 } }, engine: 'diffusion' });
    const events = await api.events(created.id);
    expect(events.at(-1).data.state, JSON.stringify(events.at(-1).data)).toBe('succeeded');
    const renderSteps = events.filter((e) => e.event === 'progress' && e.data.stage === 'render' && e.data.progress > 0.5);
    expect(renderSteps.length).toBeGreaterThanOrEqual(STEPS / 2);
    const progress = events.map((e) => e.data.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const job = await api.getJob(created.id);
    expect(job.rounds[0].report.engine).toMatch(/^diffusion/);
    const result = await api.result(job.id);
    const meta = await sharp(result).metadata();
    expect([meta.width, meta.height]).toEqual([image.width, image.height]);
    // The tiny model's map effect brightens: the result is not the original.
    const mean = async (bytes) => (await sharp(bytes).stats()).channels.slice(0, 3).reduce((s, c) => s + c.mean, 0) / 3;
    expect(Math.abs((await mean(result)) - (await mean(photo.bytes)))).toBeGreaterThan(1);
  });
});
