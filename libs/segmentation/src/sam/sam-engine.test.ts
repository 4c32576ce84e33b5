import { describe, expect, it } from 'vitest';
import type { RgbImage } from '@pertouch/imaging';
import { SegmentationError } from '../errors.js';
import type { LabelledSegmentation, ThingDetector } from '../types.js';
import { REST_REGION_ID } from './automatic.js';
import { resizedSizeOf } from './preprocess.js';
import { createSamEngine } from './sam-engine.js';
import type { SamDecodeTarget, SamDecoderPrompt, SamDecoderResult, SamEmbedding, SamModel, Size } from './sam-model.js';

/** An object of the fake scene: a rectangle in image pixels with the score SAM would give it. */
interface FakeObject {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly score: number;
}

/**
 * A deterministic SamModel: a click returns one mask, the first object containing the
 * click (or an empty mask with score 0), rendered at the requested output size by pixel
 * centres. Counts encoder and decoder calls.
 */
class FakeSamModel implements SamModel {
  readonly inputSide = 1024;
  encodeCalls = 0;
  decodeCalls = 0;

  constructor(
    private readonly image: Size,
    private readonly objects: readonly FakeObject[],
  ) {}

  async encode(input: Float32Array): Promise<SamEmbedding> {
    this.encodeCalls++;
    expect(input.length).toBe(3 * 1024 * 1024);
    return { data: new Float32Array(4), dims: [1, 4, 1, 1] };
  }

  async decode(_embedding: SamEmbedding, prompt: SamDecoderPrompt, target: SamDecodeTarget): Promise<SamDecoderResult> {
    this.decodeCalls++;
    const { width: W, height: H } = this.image;
    const out = target.output;
    const frame = resizedSizeOf(W, H, this.inputSide);
    expect(target.frame).toEqual(frame);
    const px = (prompt.coords[0] * W) / frame.width, py = (prompt.coords[1] * H) / frame.height;
    const hit = this.objects.find((o) => px >= o.x0 && px < o.x1 && py >= o.y0 && py < o.y1);
    const masks = new Float32Array(out.width * out.height).fill(-1);
    if (hit) {
      for (let y = 0; y < out.height; y++) {
        const iy = ((y + 0.5) * H) / out.height;
        for (let x = 0; x < out.width; x++) {
          const ix = ((x + 0.5) * W) / out.width;
          if (ix >= hit.x0 && ix < hit.x1 && iy >= hit.y0 && iy < hit.y1) masks[y * out.width + x] = 1;
        }
      }
    }
    return { maskLogits: () => masks, maskCount: 1, width: out.width, height: out.height, scores: Float32Array.from([hit ? hit.score : 0]) };
  }
}

function grey(width: number, height: number, value = 128): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3).fill(value) };
}

function idAt(seg: LabelledSegmentation, x: number, y: number): number {
  return seg.labels[y * seg.width + x];
}

function areaOf(seg: LabelledSegmentation, id: number): number {
  return seg.regions.find((r) => r.id === id)?.area ?? 0;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof SegmentationError ? error.code : String(error);
  }
  return undefined;
}

describe('SamEngine.segmentAuto on a fake model', () => {
  // 60×60 image, 3×3 grid: clicks at x, y ∈ {10, 30, 50}.
  const image = grey(60, 60);

  it('assigns each pixel to the highest-scoring mask covering it', async () => {
    const model = new FakeSamModel(image, [
      { x0: 0, y0: 0, x1: 40, y1: 60, score: 0.5 }, // clicks at x 10, 30
      { x0: 20, y0: 0, x1: 60, y1: 60, score: 0.9 }, // clicks at x 50; wins x 20..39
    ]);
    const seg = await createSamEngine({ model, gridSize: 3 }).segmentAuto(image);
    expect(model.decodeCalls).toBe(9);
    expect(seg.width).toBe(60);
    const left = idAt(seg, 5, 30), right = idAt(seg, 45, 30);
    expect(left).not.toBe(right);
    expect(idAt(seg, 25, 30)).toBe(right);
    expect(idAt(seg, 39, 0)).toBe(right);
    expect(idAt(seg, 19, 59)).toBe(left);
    expect(areaOf(seg, right)).toBe(40 * 60);
    expect(areaOf(seg, left)).toBe(20 * 60);
    expect(right).toBe(1); // ids by decreasing area
    expect(seg.regions.some((r) => r.id === REST_REGION_ID)).toBe(false);
    expect(seg.engine).toBe('sam@sam-1');
    expect(seg.regions.every((r) => r.engine === 'sam')).toBe(true);
    expect(seg.unavailable).toEqual([]);
  });

  it('labels regions with the optional models, like the embedded engine', async () => {
    const model = new FakeSamModel(image, [
      { x0: 0, y0: 0, x1: 40, y1: 60, score: 0.5 },
      { x0: 40, y0: 0, x1: 60, y1: 60, score: 0.9 },
    ]);
    // A COCO-style detector whose box holds the right-hand object.
    const detector: ThingDetector = {
      name: 'fake-coco',
      labels: ['dog'],
      detect: async () => [{ label: 'dog', confidence: 0.8, box: { x0: 40, y0: 0, x1: 60, y1: 60 } }],
    };
    // The object differs from its surroundings (a red right-hand third), as a dog from a lawn.
    const scene = grey(60, 60);
    for (let i = 0; i < 60 * 60; i++) if (i % 60 >= 40) scene.data.set([200, 40, 30], 3 * i);
    const seg = await createSamEngine({ model, gridSize: 3, detectors: [detector], unavailable: ['face'] }).segmentAuto(scene);
    const right = seg.regions.find((r) => r.id === idAt(seg, 50, 30))!;
    expect(right.label).toBe('dog');
    expect(seg.regions.find((r) => r.id === idAt(seg, 10, 30))!.label).not.toBe('dog');
    expect(seg.unavailable).toEqual(['face']);
    // The models that named the regions are part of the engine version (and so of cache keys).
    expect(seg.engine).toBe('sam@sam-1+fake-coco');
  });

  it('opens regions (a 1-px speck goes to rest) and drops regions under 400 px into rest', async () => {
    const model = new FakeSamModel(image, [
      { x0: 10, y0: 10, x1: 11, y1: 11, score: 1 }, // 1-px speck, wins its pixel over the background
      { x0: 40, y0: 40, x1: 55, y1: 55, score: 1 }, // 225 px < 400
      { x0: 0, y0: 0, x1: 60, y1: 60, score: 0.2 }, // background, 3600 px
    ]);
    const seg = await createSamEngine({ model, gridSize: 3 }).segmentAuto(image);
    expect(idAt(seg, 10, 10)).toBe(REST_REGION_ID);
    expect(idAt(seg, 47, 47)).toBe(REST_REGION_ID);
    const background = idAt(seg, 0, 0);
    expect(background).not.toBe(REST_REGION_ID);
    expect(areaOf(seg, REST_REGION_ID)).toBe(1 + 225);
    expect(areaOf(seg, background)).toBe(3600 - 226);
    expect(seg.regions.map((r) => r.id).sort()).toEqual([REST_REGION_ID, background].sort());
  });

  it('uncovered pixels form one rest region; every pixel is in a listed region', async () => {
    const model = new FakeSamModel(image, [{ x0: 0, y0: 0, x1: 30, y1: 60, score: 0.7 }]);
    const seg = await createSamEngine({ model, gridSize: 3 }).segmentAuto(image);
    expect(seg.labels.length).toBe(60 * 60);
    expect(seg.regions.reduce((s, r) => s + r.area, 0)).toBe(3600);
    expect(areaOf(seg, REST_REGION_ID)).toBe(30 * 60);
  });

  it('works on a reduced raster for large images and scales the 400-px rule', async () => {
    const big = grey(2000, 1000);
    const model = new FakeSamModel(big, [
      { x0: 0, y0: 0, x1: 24, y1: 20, score: 0.9 }, // 480 px full-res: kept (30 working px)
      { x0: 1976, y0: 0, x1: 2000, y1: 12, score: 0.9 }, // 288 px full-res: dropped (18 working px)
      { x0: 0, y0: 0, x1: 2000, y1: 1000, score: 0.1 },
    ]);
    // Grid 50: clicks at x = 40·(i + 0.5), y = 20·(j + 0.5); (20, 10) hits the first
    // object, (1980, 10) the second. Working raster 500×250: threshold 400 / 16 = 25 px.
    const seg = await createSamEngine({ model, gridSize: 50, autoMaxSide: 500 }).segmentAuto(big);
    expect([seg.width, seg.height]).toEqual([500, 250]);
    expect(idAt(seg, 2, 2)).not.toBe(REST_REGION_ID);
    expect(idAt(seg, 497, 1)).toBe(REST_REGION_ID);
    expect(areaOf(seg, idAt(seg, 2, 2))).toBe(30);
  });

  it('caches the segmentation per image content', async () => {
    const model = new FakeSamModel(image, [{ x0: 0, y0: 0, x1: 60, y1: 60, score: 0.5 }]);
    const engine = createSamEngine({ model, gridSize: 2 });
    const a = await engine.segmentAuto(image);
    const b = await engine.segmentAuto(grey(60, 60));
    expect(b).toBe(a);
    expect(model.encodeCalls).toBe(1);
    expect(model.decodeCalls).toBe(4);
  });
});

describe('SamEngine.segmentPrompt on a fake model', () => {
  const image = grey(80, 40);
  const objects = [{ x0: 10, y0: 5, x1: 30, y1: 25, score: 0.8 }];

  it('returns the chosen mask at image size', async () => {
    const model = new FakeSamModel(image, objects);
    const mask = await createSamEngine({ model }).segmentPrompt(image, { kind: 'point', x: 15, y: 10 });
    expect([mask.width, mask.height]).toEqual([80, 40]);
    expect(mask.data[10 * 80 + 15]).toBe(255);
    expect(mask.data[30 * 80 + 15]).toBe(0);
    expect(mask.data.reduce((s, v) => s + (v ? 1 : 0), 0)).toBe(20 * 20);
  });

  it('encodes an image once: a later prompt costs only the decoder', async () => {
    const model = new FakeSamModel(image, objects);
    const engine = createSamEngine({ model });
    await engine.segmentPrompt(image, { kind: 'point', x: 15, y: 10 });
    await engine.segmentPrompt({ ...image, data: image.data.slice() }, { kind: 'box', box: { x0: 0, y0: 0, x1: 40, y1: 40 } });
    await Promise.all([engine.segmentPrompt(image, { kind: 'point', x: 1, y: 1 }), engine.segmentPrompt(image, { kind: 'point', x: 2, y: 2 })]);
    expect(model.encodeCalls).toBe(1);
    expect(model.decodeCalls).toBe(4);
    const changed = image.data.slice();
    changed[0] = 1;
    await engine.segmentPrompt({ ...image, data: changed }, { kind: 'point', x: 15, y: 10 });
    expect(model.encodeCalls).toBe(2);
  });

  it('evicts the least recently used embedding beyond cacheSize', async () => {
    const model = new FakeSamModel(image, objects);
    const engine = createSamEngine({ model, cacheSize: 1 });
    const other = grey(80, 40, 7);
    for (const img of [image, other, image]) await engine.segmentPrompt(img, { kind: 'point', x: 15, y: 10 });
    expect(model.encodeCalls).toBe(3);
  });

  it('rejects bad prompts and images with codes, before running the encoder', async () => {
    const model = new FakeSamModel(image, objects);
    const engine = createSamEngine({ model });
    expect(await codeOf(engine.segmentPrompt(image, { kind: 'point', x: 80, y: 0 }))).toBe('prompt_outside_image');
    expect(await codeOf(engine.segmentPrompt(image, { kind: 'box', box: { x0: -1, y0: 0, x1: 5, y1: 5 } }))).toBe('prompt_outside_image');
    expect(await codeOf(engine.segmentPrompt(image, { kind: 'points', points: [] }))).toBe('invalid_prompt');
    expect(await codeOf(engine.segmentPrompt({ width: 2, height: 2, data: new Uint8Array(5) }, { kind: 'point', x: 0, y: 0 }))).toBe('invalid_image');
    expect(await codeOf(engine.segmentAuto({ width: 0, height: 2, data: new Uint8Array(0) }))).toBe('invalid_image');
    expect(model.encodeCalls).toBe(0);
  });

  it('answers a label prompt from the automatic regions; tonal labels are unknown to SAM', async () => {
    const model = new FakeSamModel(image, objects);
    const engine = createSamEngine({ model, gridSize: 4 });
    const mask = await engine.segmentPrompt(image, { kind: 'label', word: 'sky' });
    expect([mask.width, mask.height, mask.data.length]).toEqual([80, 40, 3200]);
    expect(await codeOf(engine.segmentPrompt(image, { kind: 'label', word: 'shadows' }))).toBe('unknown_label');
    expect(await codeOf(engine.segmentPrompt(image, { kind: 'label', word: 'no-such-thing' }))).toBe('unknown_label');
  });

  it('does not cache a failed encoder run', async () => {
    const model = new FakeSamModel(image, objects);
    let fail = true;
    const encode = model.encode.bind(model);
    model.encode = async (input) => {
      if (fail) throw new Error('boom');
      return encode(input);
    };
    const engine = createSamEngine({ model });
    await expect(engine.segmentPrompt(image, { kind: 'point', x: 1, y: 1 })).rejects.toThrow('boom');
    fail = false;
    await expect(engine.segmentPrompt(image, { kind: 'point', x: 15, y: 10 })).resolves.toMatchObject({ width: 80 });
  });
});
