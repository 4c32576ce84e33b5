/**
 * `analyse` with an image-embedding scene model (PERTOUCH_SCENE_MODEL): the tiny model of
 * scripts/onnx/scene-test-model.mjs (CLIP's input/output names and shapes) through
 * onnxruntime-node — a real BullMQ job on a worker configured from the environment, the
 * service directly (which copy of the image feeds the model; failures), and the start-up
 * checks.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyseResultSchema, DEFAULT_RENDER_JOB_OPTIONS, newId, objectKeys, type AnalyseJob } from '@pertouch/contracts';
import { encodeGreyPng } from '@pertouch/image-io';
import { DEFAULT_CALIBRATION, prepareImage, type RgbImage } from '@pertouch/imaging';
import { OnnxSceneModel, SceneModelError, type SceneModel } from '@pertouch/memory';
import { MemoryObjectStore } from '@pertouch/storage';
import { Queue } from 'bullmq';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENE_TEST_DIMENSION, sceneTestModelVariant, writeSceneTestModel } from '../../../scripts/onnx/scene-test-model.mjs';
import { startGpuWorker } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { EmbeddedRenderEngine } from './embedded-engine.js';
import { EngineRegistry } from './engine.js';
import { RenderService } from './render-service.js';
import { loadSceneModel } from './scene-model.js';
import { settled } from './testing/settled.js';
import { startWorkerOnQueue, type WorkerOnQueue } from './testing/worker-on-queue.js';

const tenantId = 'acme';
let dir: string;
let modelPath: string;
let reference: OnnxSceneModel;

/** A 2-region photo (bright warm sky over dark ground) stored as JPEG + label PNG + segmentation document; returns the keys and decoded pixels. */
async function storeScene(store: MemoryObjectStore, width: number, height: number) {
  const imageId = newId('image');
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set(y < height / 2 ? [240, 150 + (x % 50), 70] : [40, 60 + (y % 40), 30], (y * width + x) * 3);
  const jpeg = await sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
  const imageKey = objectKeys.original(tenantId, imageId);
  const labelsKey = `tenants/${tenantId}/segmentations/${imageId}/labels.png`;
  const segmentationKey = `tenants/${tenantId}/segmentations/${imageId}/segmentation.json`;
  const labels = Uint8Array.from({ length: width * height }, (_, i) => (Math.floor(i / width) < height / 2 ? 0 : 1));
  const region = (id: number, label: string) => ({ id, area: 1, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, centroid: { x: 0, y: 0 }, label, confidence: 1, engine: 'test' });
  const document = { format: 1, width, height, engine: 'test', contentHash: '0'.repeat(64), labelsKey, regions: [region(0, 'sky'), region(1, 'ground'), region(2, 'sky')], unavailable: [] };
  await store.put(imageKey, jpeg, 'image/jpeg');
  await store.put(labelsKey, await encodeGreyPng(width, height, labels), 'image/png');
  await store.put(segmentationKey, Buffer.from(JSON.stringify(document)), 'application/json');
  const decoded = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const image: RgbImage = { width, height, data: new Uint8Array(decoded.data) };
  const job: AnalyseJob = { tenantId, jobId: newId('job'), imageKey, labelsKey, segmentationKey };
  return { job, image, labels: { width, height, labels } };
}

const unit = (v: readonly number[]) => Math.hypot(...v);
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i], 0);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pertouch-gpu-scene-'));
  modelPath = writeSceneTestModel(dir);
  reference = await OnnxSceneModel.load({ path: modelPath, name: 'clip-test' });
});
afterAll(async () => {
  await reference?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('analyse with PERTOUCH_SCENE_MODEL (real Redis, real BullMQ job)', () => {
  const prefix = `pt-gpu-scene-${randomUUID().slice(0, 8)}`;
  let onQueue: WorkerOnQueue | undefined;
  let queue: Queue;
  const store = new MemoryObjectStore();
  const logged: { event: string; [key: string]: unknown }[] = [];

  beforeAll(async () => {
    const config = { ...loadConfig({ PERTOUCH_QUEUE_PREFIX: prefix, PERTOUCH_SCENE_MODEL: modelPath, PERTOUCH_SCENE_MODEL_NAME: 'clip-test' }), threads: 1 };
    const log = (line: { event: string }) => logged.push(line);
    const sceneModel = await loadSceneModel(config, log);
    onQueue = await startWorkerOnQueue(config, { store, engines: [new EmbeddedRenderEngine({ table: DEFAULT_CALIBRATION, threads: 1 })], log, sceneModel });
    queue = onQueue.queue;
  });
  afterAll(async () => {
    await onQueue?.close();
  });


  it('returns the model\'s scene (kind onnx:clip-test@…, D numbers, unit length) with the segmentation\'s labels', async () => {
    expect(logged.find((l) => l.event === 'scene_model.loaded')).toMatchObject({ kind: reference.kind, inputSize: 224, dimension: SCENE_TEST_DIMENSION, output: 'image_embeds' });
    const { job, image } = await storeScene(store, 1200, 300);
    const done = await settled(queue, await queue.add('analyse', job, { ...DEFAULT_RENDER_JOB_OPTIONS, jobId: `analyse-${job.jobId}` }));
    expect(done.failedReason).toBeFalsy();
    const { scene, regions } = AnalyseResultSchema.parse(done.returnvalue);
    expect(scene!.kind).toBe(reference.kind);
    expect(scene!.kind).toMatch(/^onnx:clip-test@[0-9a-f]{12}$/);
    expect(scene!.vector).toHaveLength(SCENE_TEST_DIMENSION);
    expect(unit(scene!.vector)).toBeCloseTo(1, 5);
    expect(scene!.labels).toEqual(['ground', 'sky']);
    expect(regions.map((r) => r.id).sort()).toEqual([0, 1]); // the as-shot map is unchanged
    // 1200×300: the working copy (512×128) is thinner than 224, so the original feeds the model.
    expect(cosine(scene!.vector, await reference.embed(image))).toBeGreaterThan(0.99999);
  });
});

describe('RenderService.analyse with a scene model', () => {
  const services = (sceneModel?: SceneModel) => {
    const store = new MemoryObjectStore();
    const engines = new EngineRegistry([new EmbeddedRenderEngine({ table: DEFAULT_CALIBRATION, threads: 1 })]);
    return { store, service: new RenderService({ store, engines, maxPixels: 10_000_000, table: DEFAULT_CALIBRATION, ...(sceneModel ? { sceneModel } : {}) }) };
  };

  it('embeds the working-size copy when it covers the model\'s input (800×600 → 512×384)', async () => {
    const { store, service } = services(reference);
    const { job, image, labels } = await storeScene(store, 800, 600);
    const { scene } = await service.analyse(job);
    const work = prepareImage(image, labels, DEFAULT_CALIBRATION).work;
    expect(Math.min(work.width, work.height)).toBeGreaterThanOrEqual(224);
    expect(cosine(scene!.vector, await reference.embed(work))).toBeGreaterThan(0.99999);
    expect(scene!.labels).toEqual(['ground', 'sky']);
  });

  it('without a model the scene stays embedded-v1', async () => {
    const { store, service } = services();
    const { job } = await storeScene(store, 400, 300);
    expect((await service.analyse(job)).scene).toMatchObject({ kind: 'embedded-v1', labels: ['ground', 'sky'] });
  });

  it('a model failure fails the job and never falls back: a malformed embedding at once (internal_error), a run error for a retry', async () => {
    const failing = (error: Error): SceneModel => ({ kind: 'onnx:broken@000000000000', inputSize: 224, dimension: 16, embed: () => Promise.reject(error), close: async () => {} });
    const invalid = services(failing(new SceneModelError('model_invalid', 'scene model output "image_embeds" is not finite: no direction to compare')));
    const first = await storeScene(invalid.store, 400, 300);
    await expect(invalid.service.analyse(first.job)).rejects.toMatchObject({ name: 'RenderJobError', code: 'internal_error', message: expect.stringMatching(/^scene model onnx:broken@000000000000: .*not finite/) });
    const crashed = services(failing(new Error('Failed to allocate memory')));
    const second = await storeScene(crashed.store, 400, 300);
    const error = await crashed.service.analyse(second.job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toHaveProperty('code');
    expect((error as Error).message).toBe('scene model onnx:broken@000000000000 failed: Failed to allocate memory');
  });
});

describe('scene model configuration (start-up)', () => {
  it('reads PERTOUCH_SCENE_MODEL*; unset means the embedded descriptor', () => {
    expect(loadConfig({}).sceneModel).toBeUndefined();
    expect(loadConfig({ PERTOUCH_SCENE_MODEL: modelPath }).sceneModel).toEqual({ path: modelPath, name: undefined, outputName: 'image_embeds', size: 224 });
    expect(loadConfig({ PERTOUCH_SCENE_MODEL: modelPath, PERTOUCH_SCENE_MODEL_NAME: 'clip-vit-b32', PERTOUCH_SCENE_MODEL_OUTPUT: 'embeddings', PERTOUCH_SCENE_MODEL_SIZE: '256' }).sceneModel).toEqual({
      path: modelPath,
      name: 'clip-vit-b32',
      outputName: 'embeddings',
      size: 256,
    });
  });

  it('refuses a missing file, a directory, a bad name and settings without a model, all in one error', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as InstanceType<typeof ConfigError>).problems;
      }
      throw new Error('expected a ConfigError');
    };
    expect(problems({ PERTOUCH_SCENE_MODEL: join(dir, 'absent.onnx') })).toEqual([`PERTOUCH_SCENE_MODEL: no file at ${join(dir, 'absent.onnx')}`]);
    expect(problems({ PERTOUCH_SCENE_MODEL: dir })[0]).toMatch(/is not a file/);
    expect(problems({ PERTOUCH_SCENE_MODEL: modelPath, PERTOUCH_SCENE_MODEL_NAME: 'clip vit/b32' })[0]).toMatch(/^PERTOUCH_SCENE_MODEL_NAME: must be 1–40/);
    expect(problems({ PERTOUCH_SCENE_MODEL_NAME: 'clip', PERTOUCH_SCENE_MODEL_SIZE: '224' })).toEqual([
      'PERTOUCH_SCENE_MODEL_NAME: is set but PERTOUCH_SCENE_MODEL is not',
      'PERTOUCH_SCENE_MODEL_SIZE: is set but PERTOUCH_SCENE_MODEL is not',
    ]);
  });

  it('a file that is not a scene model stops the start-up with one line naming the tensor', async () => {
    const wrong = join(dir, 'wrong-input.onnx');
    writeFileSync(wrong, sceneTestModelVariant({ inputName: 'images' }));
    const error = await loadSceneModel(loadConfig({ PERTOUCH_SCENE_MODEL: wrong })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('PERTOUCH_SCENE_MODEL: scene model has no input named "pixel_values" (its inputs: images)');
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, 'not a model');
    await expect(loadSceneModel(loadConfig({ PERTOUCH_SCENE_MODEL: junk }))).rejects.toThrow(/PERTOUCH_SCENE_MODEL: scene model at .*junk\.onnx could not be loaded/);
  });

  it('a worker configured with a model refuses to start without it (it would store embedded-v1 scenes instead)', () => {
    const config = loadConfig({ PERTOUCH_SCENE_MODEL: modelPath });
    expect(() => startGpuWorker(config, { store: new MemoryObjectStore(), engines: [] })).toThrow(/PERTOUCH_SCENE_MODEL is set/);
  });
});
