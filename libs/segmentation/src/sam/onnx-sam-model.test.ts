/**
 * Integration: tiny generated ONNX models with SAM's real input/output names and shapes
 * (scripts/onnx/sam-test-models.mjs), loaded through onnxruntime-node. The tiny decoder's
 * masks are disks around the mean of the positive/box points (radius DECODER_RADII[m]
 * in the 1024 frame, modulated by the embedding), so centroids check the coordinate
 * transforms end to end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RgbImage } from '@pertouch/imaging';
import { DECODER_RADII, samTestDecoder, samTestEncoder, writeSamTestModels } from '../../../../scripts/onnx/sam-test-models.mjs';
import { SegmentationError } from '../errors.js';
import type { Mask } from '../types.js';
import { REST_REGION_ID } from './automatic.js';
import { createLazySamEngine, loadSamEngine } from './load-sam-engine.js';
import { OnnxSamModel, resolveSamModelPaths } from './onnx-sam-model.js';
import type { SamEngine } from './sam-engine.js';

let dir: string;
let engine: SamEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pertouch-sam-'));
  writeSamTestModels(dir);
  engine = await loadSamEngine({ dir, gridSize: 4 });
});

afterAll(async () => {
  await engine?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function gradient(width: number, height: number, offset = 0): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = 3 * (y * width + x);
    data[i] = (offset + (x * 255) / width) & 255;
    data[i + 1] = (y * 255) / height;
    data[i + 2] = 90;
  }
  return { width, height, data };
}

function uniform(width: number, height: number, value: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3).fill(value) };
}

function stats(mask: Mask): { area: number; cx: number; cy: number } {
  let area = 0, sx = 0, sy = 0;
  for (let y = 0; y < mask.height; y++) for (let x = 0; x < mask.width; x++) {
    if (mask.data[y * mask.width + x]) {
      area++;
      sx += x + 0.5;
      sy += y + 0.5;
    }
  }
  return { area, cx: sx / area, cy: sy / area };
}

/** Area of a disk whose radius is r pixels of the 1024 frame, in image pixels. */
function diskArea(r1024: number, width: number, height: number): number {
  const r = (r1024 * Math.max(width, height)) / 1024;
  return Math.PI * r * r;
}

async function codeOf(promise: Promise<unknown>): Promise<[string | undefined, string]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SegmentationError) return [error.code, error.message];
    return [String(error), ''];
  }
  return [undefined, ''];
}

describe('OnnxSamModel with the tiny SAM-shaped models', () => {
  it('loads and reports the layout it found', () => {
    const model = engine.model as OnnxSamModel;
    expect(model.inputSide).toBe(1024);
    expect(model.layout).toMatchObject({ encoderInput: 'image', encoderOutput: 'image_embeddings', maskInputDims: [1, 1, 256, 256] });
  });

  it('a click gives the best multimask output, centred on the click (landscape)', async () => {
    const image = gradient(400, 300);
    const mask = await engine.segmentPrompt(image, { kind: 'point', x: 250, y: 120 });
    expect([mask.width, mask.height]).toEqual([400, 300]);
    const s = stats(mask);
    expect(s.cx).toBeCloseTo(250, 0);
    expect(s.cy).toBeCloseTo(120, 0);
    const expected = diskArea(DECODER_RADII[2], 400, 300); // mask 2 has the best iou
    expect(s.area / expected).toBeGreaterThan(0.7);
    expect(s.area / expected).toBeLessThan(1.3);
  });

  it('maps coordinates correctly on a portrait image near its border', async () => {
    const image = gradient(180, 320);
    const s = stats(await engine.segmentPrompt(image, { kind: 'point', x: 120, y: 250 }));
    expect(Math.abs(s.cx - 120)).toBeLessThan(1.5);
    expect(Math.abs(s.cy - 250)).toBeLessThan(1.5);
  });

  it('a box gives a disk at the box centre; several points use the single-mask output', async () => {
    const image = gradient(400, 300);
    const box = stats(await engine.segmentPrompt(image, { kind: 'box', box: { x0: 100, y0: 100, x1: 300, y1: 200 } }));
    expect(box.cx).toBeCloseTo(200, 0);
    expect(box.cy).toBeCloseTo(150, 0);
    const points = stats(await engine.segmentPrompt(image, {
      kind: 'points',
      points: [{ x: 100, y: 100, positive: true }, { x: 200, y: 160, positive: true }, { x: 10, y: 10, positive: false }],
    }));
    expect(points.cx).toBeCloseTo(150, 0);
    expect(points.cy).toBeCloseTo(130, 0);
    const ratio = points.area / diskArea(DECODER_RADII[0], 400, 300); // mask 0: 4 decoder points
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.3);
  });

  it('post-processing low_res_masks here matches the decoder’s own full-size masks', async () => {
    const direct = await loadSamEngine({ dir, maskSource: 'masks' });
    try {
      expect((direct.model as OnnxSamModel).usesLowResMasks).toBe(false);
      expect((engine.model as OnnxSamModel).usesLowResMasks).toBe(true);
      for (const [w, h, x, y] of [[400, 300, 250, 120], [180, 320, 20, 300], [1500, 1100, 700, 500]]) {
        const image = gradient(w, h);
        const prompt = { kind: 'point', x, y } as const;
        const [a, b] = [await engine.segmentPrompt(image, prompt), await direct.segmentPrompt(image, prompt)];
        let differ = 0, union = 0;
        for (let i = 0; i < a.data.length; i++) {
          if (a.data[i] !== b.data[i]) differ++;
          if (a.data[i] || b.data[i]) union++;
        }
        expect(differ / union).toBeLessThan(0.002); // float rounding at the boundary only
      }
    } finally {
      await direct.dispose();
    }
  });

  it('masks depend on the image (through the embedding)', async () => {
    const dark = stats(await engine.segmentPrompt(uniform(200, 200, 10), { kind: 'point', x: 100, y: 100 }));
    const bright = stats(await engine.segmentPrompt(uniform(200, 200, 245), { kind: 'point', x: 100, y: 100 }));
    expect(dark.area).not.toBe(bright.area);
  });

  it('caches embeddings: the second prompt runs only the decoder', async () => {
    const local = await loadSamEngine({ dir });
    try {
      const model = local.model as OnnxSamModel;
      const encode = vi.spyOn(model, 'encode');
      const decode = vi.spyOn(model, 'decode');
      const image = gradient(256, 192, 17);
      await local.segmentPrompt(image, { kind: 'point', x: 50, y: 50 });
      await local.segmentPrompt(image, { kind: 'point', x: 150, y: 100 });
      expect(encode).toHaveBeenCalledTimes(1);
      expect(decode).toHaveBeenCalledTimes(2);
    } finally {
      await local.dispose();
    }
  });

  it('runs the automatic pass end to end', async () => {
    const image = gradient(160, 120);
    const seg = await engine.segmentAuto(image);
    expect([seg.width, seg.height]).toEqual([160, 120]);
    expect(seg.engine).toBe('sam@sam-1');
    expect(seg.regions.reduce((s, r) => s + r.area, 0)).toBe(160 * 120);
    const listed = new Set(seg.regions.map((r) => r.id));
    for (const id of seg.labels) expect(listed.has(id)).toBe(true);
    for (const r of seg.regions) if (r.id !== REST_REGION_ID) expect(r.area).toBeGreaterThanOrEqual(400);
    expect(seg.regions.filter((r) => r.id !== REST_REGION_ID).length).toBeGreaterThan(1);
  });
});

describe('loading errors', () => {
  it('model_unavailable when files or configuration are missing', async () => {
    const [code, message] = await codeOf(OnnxSamModel.load({ dir: join(dir, 'nowhere') }));
    expect(code).toBe('model_unavailable');
    expect(message).toContain('encoder.onnx');
    expect((await codeOf(OnnxSamModel.load({ env: {} })))[0]).toBe('model_unavailable');
  });

  it('model_invalid naming a missing decoder input', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'pertouch-sam-bad-'));
    try {
      writeFileSync(join(bad, 'encoder.onnx'), samTestEncoder());
      writeFileSync(join(bad, 'decoder.onnx'), samTestDecoder({ pointLabelsName: 'labels' }));
      const [code, message] = await codeOf(loadSamEngine({ dir: bad }));
      expect(code).toBe('model_invalid');
      expect(message).toContain('point_labels');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('model_invalid for a wrongly shaped embedding and for a file that is not ONNX', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'pertouch-sam-bad-'));
    try {
      writeFileSync(join(bad, 'encoder.onnx'), samTestEncoder({ channels: 128 }));
      writeFileSync(join(bad, 'decoder.onnx'), samTestDecoder());
      const [code, message] = await codeOf(OnnxSamModel.load({ dir: bad }));
      expect(code).toBe('model_invalid');
      expect(message).toContain('image_embeddings');
      writeFileSync(join(bad, 'encoder.onnx'), 'not a model');
      expect((await codeOf(OnnxSamModel.load({ dir: bad })))[0]).toBe('model_invalid');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('resolves paths from options, then env vars, then the directory', () => {
    expect(resolveSamModelPaths({ env: { PERTOUCH_SAM_DIR: '/m' } })).toEqual({ encoderPath: join('/m', 'encoder.onnx'), decoderPath: join('/m', 'decoder.onnx') });
    expect(resolveSamModelPaths({ env: { PERTOUCH_SAM_DIR: '/m', PERTOUCH_SAM_ENCODER: '/e.onnx' } }).encoderPath).toBe('/e.onnx');
    expect(resolveSamModelPaths({ dir: '/d', encoderPath: '/x.onnx', env: { PERTOUCH_SAM_ENCODER: '/e.onnx' } })).toEqual({ encoderPath: '/x.onnx', decoderPath: join('/d', 'decoder.onnx') });
  });
});

describe('createLazySamEngine', () => {
  it('builds synchronously and loads the models on the first call', async () => {
    const lazy = createLazySamEngine({ dir });
    try {
      const mask = await lazy.segmentPrompt(gradient(100, 80), { kind: 'point', x: 50, y: 40 });
      expect(mask.data[40 * 100 + 50]).toBe(255);
    } finally {
      await lazy.dispose();
    }
  });

  it('reports a missing model on first use, and retries the load later', async () => {
    const lazy = createLazySamEngine({ dir: join(dir, 'nowhere') });
    expect((await codeOf(lazy.segmentPrompt(gradient(10, 10), { kind: 'point', x: 1, y: 1 })))[0]).toBe('model_unavailable');
    expect((await codeOf(lazy.segmentPrompt(gradient(10, 10), { kind: 'point', x: 1, y: 1 })))[0]).toBe('model_unavailable');
  });
});
