/**
 * The service as main.ts starts it, from the environment alone: the default storage (a
 * local directory, @pertouch/storage's FsObjectStore), the real Redis, a fake engine.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { QUEUE_NAMES, SegmentResultSchema } from '@pertouch/contracts';
import { decodeGreyPng } from '@pertouch/image-io';
import { FsObjectStore } from '@pertouch/storage';
import { Queue } from 'bullmq';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { startSegmenter } from './app.js';
import { loadConfig } from './config.js';
import { FakeSegmentationEngine } from './fake-engine.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('startSegmenter', () => {
  it('segments an image from the default filesystem store, configured by the environment only', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pertouch-segmenter-fs-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const prefix = `pt-app-${randomUUID().slice(0, 8)}`;
    const config = loadConfig({ REDIS_URL, PERTOUCH_QUEUE_PREFIX: prefix, PERTOUCH_STORAGE_DIR: dir });
    expect(config.storage).toEqual({ kind: 'fs', dir });

    // A producer on the same machine writes the upload into the same directory.
    const producerStore = new FsObjectStore({ root: dir });
    const imageKey = 'tenants/acme/uploads/img-1.png';
    await producerStore.put(imageKey, await sharp({ create: { width: 6, height: 4, channels: 3, background: '#336699' } }).png().toBuffer(), 'image/png');

    const segmenter = startSegmenter(config, { engines: { embedded: new FakeSegmentationEngine() } });
    cleanups.push(() => segmenter.close());
    const queue = new Queue(QUEUE_NAMES.segment, { connection: { url: REDIS_URL }, prefix });
    cleanups.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const job = await queue.add('segment', { tenantId: 'acme', imageId: 'img-1', imageKey }, { attempts: 1 });
    for (let i = 0; i < 500 && !(await job.isCompleted()) && !(await job.isFailed()); i++) await new Promise((r) => setTimeout(r, 20));
    const done = await queue.getJob(job.id!);
    expect(done?.failedReason).toBeUndefined();
    const result = SegmentResultSchema.parse(done?.returnvalue);
    expect([result.width, result.height, result.regionCount]).toEqual([6, 4, 2]);
    // The outputs are plain files in the store's directory.
    const labels = await decodeGreyPng(await readFile(path.join(dir, 'objects', result.labelsKey)));
    expect([labels.width, labels.height]).toEqual([6, 4]);
    expect((await producerStore.head(result.segmentationKey))?.contentType).toBe('application/json');
  });
});
