/**
 * RenderService's previews (the small JPEGs the VLM looks at) on libs/storage's memory
 * store and the real embedded renderer, on a synthetic 1200×300 photo with two regions.
 */
import { AnalyseResultSchema, PREVIEW_LONG_SIDE, RenderResultSchema, objectKeys, type AnalyseJob, type RenderJob } from '@pertouch/contracts';
import { encodeGreyPng } from '@pertouch/image-io';
import { DEFAULT_CALIBRATION } from '@pertouch/imaging';
import { MemoryObjectStore } from '@pertouch/storage';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodePreview } from './codec.js';
import { EmbeddedRenderEngine } from './embedded-engine.js';
import { EngineRegistry } from './engine.js';
import { RenderService } from './render-service.js';

const W = 1200, H = 300;
const tenantId = 'acme', imageId = 'img-1', jobId = 'job-1';
const imageKey = objectKeys.original(tenantId, imageId);
const labelsKey = `tenants/${tenantId}/segmentations/test/labels.png`;
const previewKey = objectKeys.preview(tenantId, imageId);

/** A memory store that records the order of its writes. */
class RecordingStore extends MemoryObjectStore {
  readonly puts: string[] = [];
  override async put(...args: Parameters<MemoryObjectStore['put']>): Promise<void> {
    this.puts.push(args[0]);
    return super.put(...args);
  }
}

let store: RecordingStore;
let service: RenderService;

beforeEach(async () => {
  store = new RecordingStore();
  const gradient = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) gradient.set([(i % W) % 256, 120, Math.floor(i / W) % 256], i * 3);
  await store.put(imageKey, await sharp(gradient, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90 }).toBuffer(), 'image/jpeg');
  const labels = Uint8Array.from({ length: W * H }, (_, i) => (i % W < W / 2 ? 0 : 1));
  await store.put(labelsKey, await encodeGreyPng(W, H, labels), 'image/png');
  store.puts.length = 0;
  service = new RenderService({ store, engines: new EngineRegistry([new EmbeddedRenderEngine({ table: DEFAULT_CALIBRATION, threads: 1 })]), maxPixels: 10_000_000, table: DEFAULT_CALIBRATION });
});

async function jpegSize(key: string): Promise<[string | undefined, number | undefined, number | undefined]> {
  const meta = await sharp(await store.get(key)).metadata();
  return [meta.format, meta.width, meta.height];
}

function renderJob(overrides: Partial<RenderJob> = {}): RenderJob {
  return {
    tenantId,
    jobId,
    round: 1,
    imageKey,
    labelsKey,
    targets: [{ id: 1, values: { brightness: 0.3 } }],
    output: { format: 'png', quality: 90 },
    engine: 'embedded',
    outputKey: objectKeys.round(tenantId, imageId, jobId, 1, 'png'),
    reportKey: objectKeys.roundReport(tenantId, imageId, jobId, 1),
    previewKey: objectKeys.roundPreview(tenantId, imageId, jobId, 1),
    ...overrides,
  };
}

const analyseJob: AnalyseJob = { tenantId, jobId, imageKey, labelsKey };

describe('RenderService previews', () => {
  it('analyse with previewKey writes a JPEG of the original at previewSize and says so', async () => {
    const result = AnalyseResultSchema.parse(await service.analyse({ ...analyseJob, previewKey }));
    expect(result.preview).toEqual({ key: previewKey, width: PREVIEW_LONG_SIDE, height: 256 });
    expect(await jpegSize(previewKey)).toEqual(['jpeg', 1024, 256]);
    expect(store.objects.get(previewKey)?.contentType).toBe('image/jpeg');
    expect(store.puts).toEqual([previewKey]);
  });

  it('analyse without previewKey writes nothing and has no preview field', async () => {
    const result = await service.analyse(analyseJob);
    expect('preview' in result).toBe(false);
    expect(store.puts).toEqual([]);
  });

  it('render writes output, preview, then the report; a re-delivered round returns the same preview', async () => {
    const job = renderJob();
    const result = RenderResultSchema.parse(await service.render(job));
    expect(result.preview).toEqual({ key: job.previewKey, width: 1024, height: 256 });
    expect(store.puts).toEqual([job.outputKey, job.previewKey, job.reportKey]);
    expect(await jpegSize(job.previewKey!)).toEqual(['jpeg', 1024, 256]);
    // The preview shows the render, not the original: the edited right half is brighter.
    const original = await sharp(await store.get(imageKey)).extract({ left: 600, top: 0, width: 600, height: 300 }).stats();
    const rendered = await sharp(await store.get(job.previewKey!)).extract({ left: 512, top: 0, width: 512, height: 256 }).stats();
    expect(rendered.channels[1].mean).toBeGreaterThan(original.channels[1].mean + 5);

    store.puts.length = 0;
    const again = await service.render(job);
    expect(again).toEqual({ ...result, reused: true });
    expect(store.puts).toEqual([]);
  });

  it('a re-delivered round whose preview is missing (an older worker) makes it from the stored output', async () => {
    const first = await service.render(renderJob({ previewKey: undefined }));
    expect('preview' in first).toBe(false);
    const job = renderJob();
    store.puts.length = 0;
    const again = await service.render(job);
    expect(again).toMatchObject({ reused: true, preview: { key: job.previewKey, width: 1024, height: 256 } });
    expect(store.puts).toEqual([job.previewKey]);
    expect(await jpegSize(job.previewKey!)).toEqual(['jpeg', 1024, 256]);
  });

  it('a previewKey outside the tenant is refused like any other key, before anything is read or written', async () => {
    const foreign = 'tenants/globex/preview.jpg';
    await expect(service.analyse({ ...analyseJob, previewKey: foreign })).rejects.toMatchObject({ name: 'RenderJobError', code: 'invalid_payload', message: expect.stringContaining('previewKey') });
    await expect(service.render(renderJob({ previewKey: foreign }))).rejects.toMatchObject({ name: 'RenderJobError', code: 'invalid_payload' });
    expect(store.puts).toEqual([]);
  });
});

describe('encodePreview', () => {
  it('never enlarges, and reduces 16-bit pixels to 8 bits', async () => {
    const data = new Uint16Array(100 * 50 * 3).fill(65535 / 5);
    const { bytes, width, height } = await encodePreview({ width: 100, height: 50, data });
    expect([width, height]).toEqual([100, 50]);
    const { data: pixels, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([100, 50]);
    expect(Math.abs(pixels[0] - 51)).toBeLessThanOrEqual(2);
  });

  it('scales the long side to PREVIEW_LONG_SIDE, portrait too', async () => {
    const { width, height } = await encodePreview({ width: 300, height: 2048, data: new Uint8Array(300 * 2048 * 3) });
    expect([width, height]).toEqual([150, 1024]);
  });
});

describe('targets as shifts (from the as-shot value the renderer measures)', () => {
  it('a shift lands on as shot + shift of the region as rendered (a group of two regions), clamped', async () => {
    // Both halves rendered as one region (regionGroups): its as-shot value is the group's own, not a mean of the halves'.
    await service.render(renderJob({ regionGroups: [[0, 1]], targets: [{ id: 0, values: { contrast: 0.2 }, shifts: { brightness: 0.15, temperature: 5 } }] }));
    const report = JSON.parse((await store.get(objectKeys.roundReport(tenantId, imageId, jobId, 1))).toString()) as { regions: { id: number; asShot: Record<string, number>; target: Record<string, number>; achieved: Record<string, number> }[] };
    const [group] = report.regions;
    expect(group.id).toBe(0);
    expect(group.target.brightness).toBeCloseTo(group.asShot.brightness + 0.15, 9);
    expect(group.target.temperature).toBe(1);
    expect(group.target.contrast).toBe(0.2);
    expect(Math.abs(group.achieved.brightness - group.target.brightness)).toBeLessThanOrEqual(0.03);
  });

  it('an attribute given both as a value and as a shift is refused by the schema', async () => {
    const { RenderJobSchema } = await import('@pertouch/contracts');
    expect(RenderJobSchema.safeParse(renderJob({ targets: [{ id: 1, values: { brightness: 0.1 }, shifts: { brightness: 0.1 } }] })).success).toBe(false);
  });
});
