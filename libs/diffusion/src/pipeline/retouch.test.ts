/**
 * G(X, C) at full resolution on the tiny model set: the 512² render's colour change
 * carried onto the original by the fitted bilateral grid, on a 12.2 MP sample photo and
 * on a 16-bit synthetic one; and the out-of-memory path.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toWorkingSize, type RgbImage } from '@pertouch/imaging';
import type { InferenceSession } from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiffusionError } from '../errors.js';
import { parameterMapRaster } from '../image/parameter-map-raster.js';
import { loadModelSet } from '../runtime/load-model-set.js';
import { channelMeans, landscape, landscapeRegions } from '../testing/images.js';
import { writeTinyModelSet, type TinyModelSet } from '../testing/tiny-models.js';
import { psnr } from '../transfer/apply-grid.js';
import { DiffusionPipeline } from './diffusion-pipeline.js';
import { retouch } from './retouch.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
let models: TinyModelSet;
let pipeline: DiffusionPipeline;

beforeAll(async () => {
  models = writeTinyModelSet({ precisions: ['fp32'] });
  pipeline = await DiffusionPipeline.load({ dir: models.dir, provider: 'cpu', threads: 1 });
});

afterAll(async () => {
  await pipeline?.release();
  models?.remove();
});

const SKY = { colorfulness: 0.5, contrast: 0.2, temperature: -0.6, brightness: -0.2 };
const GROUND = { colorfulness: -0.2, contrast: 0, temperature: 0.6, brightness: 0.4 };

/** Pearson correlation of the high-pass (pixel minus its 3×3 box mean) of the green channel of two same-size crops. */
function detailCorrelation(a: RgbImage, b: RgbImage, x0: number, y0: number, size: number): number {
  const highPass = (img: RgbImage) => {
    const out: number[] = [];
    for (let y = y0 + 1; y < y0 + size - 1; y++) {
      for (let x = x0 + 1; x < x0 + size - 1; x++) {
        let box = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) box += img.data[((y + dy) * img.width + x + dx) * 3 + 1];
        out.push(img.data[(y * img.width + x) * 3 + 1] - box / 9);
      }
    }
    return out;
  };
  const p = highPass(a), q = highPass(b);
  const mp = p.reduce((s, v) => s + v, 0) / p.length, mq = q.reduce((s, v) => s + v, 0) / q.length;
  let num = 0, dp = 0, dq = 0;
  for (let i = 0; i < p.length; i++) {
    num += (p[i] - mp) * (q[i] - mq);
    dp += (p[i] - mp) ** 2;
    dq += (q[i] - mq) ** 2;
  }
  return num / Math.sqrt(dp * dq);
}

describe('retouch: the full-resolution transfer', () => {
  it('a 12.2 MP photo: full size out, the fit ≥ 30 dB against the 512² render, the original detail kept, the regions changed as asked', async () => {
    const sample = 'sunset_by_Aitzol_Berasategi';
    const decoded = await sharp(path.join(ROOT, 'samples', `${sample}.jpg`)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const image: RgbImage = { width: decoded.info.width, height: decoded.info.height, data: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length) };
    expect(image.width * image.height).toBeGreaterThan(12e6);
    const mask = await sharp(path.join(ROOT, 'samples', 'masks', `${sample}.png`)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const segmentation = { width: mask.info.width, height: mask.info.height, labels: new Uint8Array(mask.data) };
    // The shipped mask: 1 = sky (top), 0 = ground.
    const map = parameterMapRaster(segmentation, new Map([[1, SKY], [0, GROUND]]));
    const progress: number[] = [];
    const result = await retouch(pipeline, image, map, { steps: 20, onProgress: (f) => progress.push(f) });

    expect([result.image.width, result.image.height]).toEqual([image.width, image.height]);
    expect(result.image.data).toBeInstanceOf(Uint8Array);
    expect(result.stats.fitPsnrDb).toBeGreaterThanOrEqual(30);
    expect(result.stats.stepMs).toHaveLength(20);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((f, i) => i === 0 || f >= progress[i - 1])).toBe(true);

    // The transfer keeps the original's detail: full-resolution high-pass of output and original agree.
    const crop = { x: 2600, y: 2000, size: 256 }; // ground, textured
    expect(detailCorrelation(result.image, image, crop.x, crop.y, crop.size)).toBeGreaterThan(0.9);
    // …which resizing the 512² render back up (the original code) cannot: it has no detail at that scale.
    const resizedBack = await sharp(Buffer.from(result.render512.data.map((v) => Math.round(v * 255))), { raw: { width: 512, height: 512, channels: 3 } })
      .resize(image.width, image.height, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer();
    const upscaled: RgbImage = { width: image.width, height: image.height, data: new Uint8Array(resizedBack) };
    expect(detailCorrelation(upscaled, image, crop.x, crop.y, crop.size)).toBeLessThan(0.5);

    // The colour change is the render's: the output brought to 512² is close to the render…
    const work = toWorkingSize(result.image); // long side 512
    const render = await sharp(Buffer.from(result.render512.data.map((v) => Math.round(v * 255))), { raw: { width: 512, height: 512, channels: 3 } }).resize(work.width, work.height, { fit: 'fill' }).raw().toBuffer();
    const unit = (data: ArrayLike<number>) => ({ width: work.width, height: work.height, data: Float32Array.from(data, (v) => v / 255) });
    expect(psnr(unit(work.data), unit(render))).toBeGreaterThan(25);
    // …and per region as the map asks: the sky (temperature −0.6) bluer, the ground (+0.6) redder and brighter.
    const skyBefore = channelMeans(image, 0, 800), skyAfter = channelMeans(result.image, 0, 800);
    const groundBefore = channelMeans(image, 2400, 2848), groundAfter = channelMeans(result.image, 2400, 2848);
    expect(skyAfter[2] - skyAfter[0]).toBeGreaterThan(skyBefore[2] - skyBefore[0] + 20);
    expect(groundAfter[0] - groundAfter[2]).toBeGreaterThan(groundBefore[0] - groundBefore[2] + 20);
    expect(groundAfter[1]).toBeGreaterThan(groundBefore[1] + 10);
  });

  it('keeps 16-bit originals 16-bit, and reports the VAE round trip it avoided', async () => {
    const eight = landscape(900, 600);
    const image: RgbImage = { width: 900, height: 600, data: Uint16Array.from(eight.data, (v) => v * 257 + 100) };
    const map = parameterMapRaster(landscapeRegions(900, 600), new Map([[1, SKY], [0, GROUND]]));
    const result = await retouch(pipeline, image, map, { steps: 4 });
    expect(result.image.data).toBeInstanceOf(Uint16Array);
    expect(result.stats.fitPsnrDb).toBeGreaterThanOrEqual(30);
    // The 8×8 VAE loses this texture: the round trip is far worse than the fit.
    expect(result.stats.vaeRoundTripPsnrDb).toBeLessThan(result.stats.fitPsnrDb - 5);
    // 16-bit values really are used (not 8-bit scaled up).
    expect(Array.from(result.image.data.subarray(0, 3000)).some((v) => v % 257 !== 0)).toBe(true);
  });

  it('stops when cancelled during the steps', async () => {
    const controller = new AbortController();
    const map = parameterMapRaster(landscapeRegions(300, 200), new Map([[1, SKY], [0, GROUND]]));
    const run = retouch(pipeline, landscape(300, 200), map, { steps: 50, signal: controller.signal, onStep: (e) => e.step === 3 && controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('device out of memory', () => {
  it('releases the sessions and fails with out_of_memory; a new load renders again', async () => {
    const loaded = await loadModelSet({ dir: models.dir, provider: 'cpu', threads: 1 });
    let released = 0;
    const failing = {
      ...loaded.sessions.unet,
      run: async () => {
        throw new Error('Non-zero status code returned while running Conv node. Name:\'conv\' Status Message: Failed to allocate memory for requested buffer of size 1073741824');
      },
    } as unknown as InferenceSession;
    const broken = DiffusionPipeline.fromModelSet({
      ...loaded,
      sessions: { ...loaded.sessions, unet: failing },
      release: async () => {
        released++;
        await loaded.release();
      },
    });
    const map = parameterMapRaster(landscapeRegions(300, 200), new Map([[1, SKY]]));
    const error = await retouch(broken, landscape(300, 200), map, { steps: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiffusionError);
    expect(error).toMatchObject({ code: 'out_of_memory', message: expect.stringContaining('unet ran out of device memory') });
    expect(released).toBe(1);
    expect(broken.isReleased).toBe(true);
    await expect(broken.denoise(new Float32Array(3 * 512 * 512), map, { steps: 1 })).rejects.toMatchObject({ code: 'model_unavailable' });
    const again = await DiffusionPipeline.load({ dir: models.dir, provider: 'cpu', threads: 1 });
    expect((await retouch(again, landscape(300, 200), map, { steps: 2 })).image.width).toBe(300);
    await again.release();
  });
});
