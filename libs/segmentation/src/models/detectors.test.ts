/** Pre- and post-processing of each adapter, with fake TensorPorts instead of the models. */
import { describe, expect, it } from 'vitest';
import { cocoDetections, cocoInput, createCocoDetector, CENTERNET_PAD } from './coco-detector.js';
import { blazefaceAnchors, blazefaceRows, createFaceDetector, faceDetections, faceInput } from './face-detector.js';
import { createIsnetDetector, isnetDetections, isnetInput } from './isnet-detector.js';
import { createSelfieDetector, selfieDetections, selfieInput } from './selfie-detector.js';
import type { Tensor, TensorPort } from './tensor-port.js';

function solid(width: number, height: number, rgb: [number, number, number]) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}

/** A map of size w × h that is `inside` within the rectangle and `outside` elsewhere. */
function rectMap(w: number, h: number, r: { x0: number; y0: number; x1: number; y1: number }, inside = 1, outside = 0): Float32Array {
  const out = new Float32Array(w * h).fill(outside);
  for (let y = r.y0; y < r.y1; y++) out.fill(inside, y * w + r.x0, y * w + r.x1);
  return out;
}

function fakePort(outputs: Tensor[], seen: Tensor[] = []): TensorPort {
  return { run: async (input) => (seen.push(input), outputs) };
}

describe('isnet', () => {
  it('feeds planar 1024² input normalised as imgly does: (v − 128) / 256', () => {
    const t = isnetInput(solid(40, 30, [255, 128, 0]));
    expect(t.shape).toEqual([1, 3, 1024, 1024]);
    const n = 1024 * 1024;
    expect(t.data[0]).toBeCloseTo(127 / 256, 6);
    expect(t.data[n - 1]).toBeCloseTo(127 / 256, 6);
    expect(t.data[n]).toBe(0);
    expect(t.data[2 * n + 12345]).toBe(-0.5);
  });

  it('turns the output into a subject mask aligned to the image (aspect kept)', () => {
    const out = { shape: [1, 1, 1024, 1024], data: rectMap(1024, 1024, { x0: 256, y0: 256, x1: 768, y1: 768 }) };
    const [d, ...rest] = isnetDetections(out, { width: 2000, height: 1000 });
    expect(rest).toHaveLength(0);
    expect(d.label).toBe('subject');
    expect(d.mask!.width).toBe(1024);
    expect(d.mask!.height).toBe(512);
    const at = (x: number, y: number) => d.mask!.data[Math.round(y * 512) * 1024 + Math.round(x * 1024)];
    expect(at(0.5, 0.5)).toBe(255);
    expect(at(0.1, 0.5)).toBe(0);
    expect(at(0.5, 0.9)).toBe(0);
    expect(d.confidence).toBeGreaterThan(0.95);
  });

  it('reports nothing for an empty map, and less confidence for a washed-out or full one', () => {
    expect(isnetDetections({ shape: [1, 1, 64, 64], data: new Float32Array(64 * 64) }, { width: 64, height: 64 })).toEqual([]);
    const grey = isnetDetections({ shape: [1, 1, 64, 64], data: new Float32Array(64 * 64).fill(0.6) }, { width: 64, height: 64 });
    expect(grey[0].confidence).toBeLessThan(0.3);
    const full = isnetDetections({ shape: [1, 1, 64, 64], data: new Float32Array(64 * 64).fill(1) }, { width: 64, height: 64 });
    expect(full[0].confidence).toBe(0.5);
  });

  it('runs the port with the prepared input', async () => {
    const seen: Tensor[] = [];
    const det = createIsnetDetector(fakePort([{ shape: [1, 1, 8, 8], data: new Float32Array(64).fill(1) }], seen));
    expect(det.name).toBe('isnet');
    expect(det.labels).toContain('subject');
    const res = await det.detect(solid(16, 8, [0, 0, 0]));
    expect(seen[0].shape).toEqual([1, 3, 1024, 1024]);
    expect(res[0].mask).toMatchObject({ width: 16, height: 8 });
  });

  it('rejects an output of the wrong size', () => {
    expect(() => isnetDetections({ shape: [1, 1, 4, 4], data: new Float32Array(3) }, { width: 4, height: 4 })).toThrow(/shape/);
  });
});

describe('selfie', () => {
  it('feeds NHWC 256² input on 0..1', () => {
    const t = selfieInput(solid(10, 20, [255, 51, 0]));
    expect(t.shape).toEqual([1, 256, 256, 3]);
    expect(Array.from(t.data.subarray(0, 3)).map((v) => Math.round(v * 100) / 100)).toEqual([1, 0.2, 0]);
  });

  it('gives a person mask, or nothing when too small or too unsure', () => {
    const out = { shape: [1, 256, 256, 1], data: rectMap(256, 256, { x0: 64, y0: 0, x1: 192, y1: 256 }, 0.95) };
    const [d] = selfieDetections(out, { width: 1000, height: 500 });
    expect(d.label).toBe('person');
    expect(d.mask).toMatchObject({ width: 512, height: 256 });
    expect(d.mask!.data[128 * 512 + 256]).toBe(242);
    expect(d.confidence).toBeCloseTo(242 / 255, 2);
    const tiny = { shape: [1, 256, 256, 1], data: rectMap(256, 256, { x0: 0, y0: 0, x1: 4, y1: 4 }) };
    expect(selfieDetections(tiny, { width: 256, height: 256 })).toEqual([]);
    const unsure = { shape: [1, 256, 256, 1], data: new Float32Array(256 * 256).fill(0.52) };
    expect(selfieDetections(unsure, { width: 256, height: 256 })).toEqual([]);
  });

  it('runs through the port', async () => {
    const det = createSelfieDetector(fakePort([{ shape: [1, 4, 4, 1], data: new Float32Array(16).fill(0.9) }]));
    expect((await det.detect(solid(8, 8, [1, 2, 3])))[0].label).toBe('person');
  });
});

describe('blazeface', () => {
  const anchors = blazefaceAnchors();

  it('has 896 anchors: 16×16×2 at stride 16 then 8×8×6 at stride 32', () => {
    expect(anchors).toHaveLength(896);
    expect(anchors[0]).toEqual({ x: 8, y: 8 });
    expect(anchors[1]).toEqual({ x: 8, y: 8 });
    expect(anchors[2]).toEqual({ x: 24, y: 8 });
    expect(anchors[511]).toEqual({ x: 248, y: 248 });
    expect(anchors[512]).toEqual({ x: 16, y: 16 });
    expect(anchors[895]).toEqual({ x: 240, y: 240 });
  });

  it('letterboxes the input and maps it to −1..1', () => {
    const { input, place } = faceInput(solid(512, 256, [255, 0, 255]));
    expect(place).toEqual({ x: 0, y: 64, width: 256, height: 128 });
    expect(input.shape).toEqual([1, 256, 256, 3]);
    expect(Array.from(input.data.subarray(0, 3))).toEqual([-1, -1, -1]); // padding row
    const o = (100 * 256 + 10) * 3;
    expect(Array.from(input.data.subarray(o, o + 3))).toEqual([1, -1, 1]);
  });

  /** Split outputs as the shipped model gives them, with one confident face at anchor `k`. */
  function splitOutputs(k: number, reg: number[], logit = 5): Tensor[] {
    const s512 = new Float32Array(512).fill(-10);
    const r512 = new Float32Array(512 * 16);
    const s384 = new Float32Array(384).fill(-10);
    const r384 = new Float32Array(384 * 16);
    if (k < 512) {
      s512[k] = logit;
      r512.set(reg, k * 16);
    } else {
      s384[k - 512] = logit;
      r384.set(reg, (k - 512) * 16);
    }
    // The order the model returns them in is not the anchor order; the adapter sorts it out.
    return [
      { shape: [1, 384, 16], data: r384 },
      { shape: [1, 512, 1], data: s512 },
      { shape: [1, 384, 1], data: s384 },
      { shape: [1, 512, 16], data: r512 },
    ];
  }

  it('joins split outputs into anchor-ordered rows', () => {
    const { rows, width } = blazefaceRows(splitOutputs(600, [1, 2, 3, 4]), 896);
    expect(width).toBe(17);
    expect(rows[600 * 17]).toBe(5);
    expect(Array.from(rows.subarray(600 * 17 + 1, 600 * 17 + 5))).toEqual([1, 2, 3, 4]);
    expect(rows[0]).toBe(-10);
  });

  it('decodes a box relative to its anchor and scales it back through the letterbox', () => {
    // Anchor 600 (stride 32 block): cell (600-512)/6 = 14 → gx 6, gy 1 → centre (208, 48).
    expect(anchors[600]).toEqual({ x: 208, y: 48 });
    const place = { x: 0, y: 64, width: 256, height: 128 }; // a 1024 × 512 image
    const dets = faceDetections(splitOutputs(600, [-8, 40, 32, 32]), place, { width: 1024, height: 512 });
    expect(dets).toHaveLength(1);
    // centre (200, 88) in input → (200, 24) in the placed image → ×4 → (800, 96); size 32 → 128.
    expect(dets[0]).toEqual({ label: 'face', confidence: expect.closeTo(0.9933, 3), box: { x0: 736, y0: 32, x1: 864, y1: 160 } });
  });

  it('drops low scores and merges overlapping faces', () => {
    expect(faceDetections(splitOutputs(10, [0, 0, 20, 20], -1), { x: 0, y: 0, width: 256, height: 256 }, { width: 256, height: 256 })).toEqual([]);
    const rows = new Float32Array(896 * 17).fill(0);
    for (let i = 0; i < 896; i++) rows[i * 17] = -10;
    rows[0] = 3; // anchor 0 at (8, 8), box 16×16
    rows.set([0, 0, 16, 16], 1);
    rows[17] = 2; // anchor 1 also at (8, 8): same box, lower score
    rows.set([1, 0, 16, 16], 18);
    const dets = faceDetections([{ shape: [1, 896, 17], data: rows }], { x: 0, y: 0, width: 256, height: 256 }, { width: 256, height: 256 });
    expect(dets).toHaveLength(1);
    expect(dets[0].box).toEqual({ x0: 0, y0: 0, x1: 16, y1: 16 });
  });

  it('runs through the port', async () => {
    const det = createFaceDetector(fakePort(splitOutputs(600, [0, 0, 32, 32])));
    expect(det.labels).toEqual(['face']);
    const [d] = await det.detect(solid(256, 256, [0, 0, 0]));
    expect(d.box).toEqual({ x0: 192, y0: 32, x1: 224, y1: 64 });
  });
});

describe('coco (centernet)', () => {
  it('letterboxes onto mid-grey at 0..255', () => {
    const { input, place } = cocoInput(solid(200, 100, [255, 0, 0]));
    expect(input.shape).toEqual([1, 512, 512, 3]);
    expect(place).toEqual({ x: 0, y: 128, width: 512, height: 256 });
    expect(Array.from(input.data.subarray(0, 3))).toEqual([CENTERNET_PAD, CENTERNET_PAD, CENTERNET_PAD]);
    const o = (256 * 512 + 256) * 3;
    expect(Array.from(input.data.subarray(o, o + 3))).toEqual([255, 0, 0]);
  });

  function dets(rows: number[][]): Tensor {
    return { shape: [1, rows.length, 6], data: Float32Array.from(rows.flat()) };
  }

  it('keeps score ≥ 0.35, scales boxes back to the image, NMS per class', () => {
    const place = { x: 0, y: 128, width: 512, height: 256 }; // a 1000 × 500 image
    const out = dets([
      [0, 128, 256, 384, 0.8, 15], // cat, left half
      [5, 130, 250, 380, 0.6, 15], // duplicate cat
      [0, 128, 256, 384, 0.5, 16], // dog on the same spot: another class, kept
      [256, 128, 512, 384, 0.3, 14], // bird below threshold
      [10, 10, 20, 20, 0.9, 80], // no such class
      [-50, 100, 600, 400, 0.4, 0], // person, clamped to the image
    ]);
    const res = cocoDetections(out, place, { width: 1000, height: 500 });
    expect(res.map((d) => d.label)).toEqual(['cat', 'dog', 'person']);
    expect(res[0]).toEqual({ label: 'cat', confidence: 0.8, box: { x0: 0, y0: 0, x1: 500, y1: 500 } });
    expect(res[2].box).toEqual({ x0: 0, y0: 0, x1: 1000, y1: 500 });
    expect(cocoDetections(out, place, { width: 1000, height: 500 }, { minScore: 0.7 })).toHaveLength(1);
  });

  it('runs through the port and names COCO classes', async () => {
    const det = createCocoDetector(fakePort([dets([[100, 100, 200, 200, 0.9, 16]])]));
    expect(det.labels).toContain('dog');
    expect(det.labels).toHaveLength(80);
    const [d] = await det.detect(solid(512, 512, [0, 0, 0]));
    expect(d).toEqual({ label: 'dog', confidence: 0.9, box: { x0: 100, y0: 100, x1: 200, y1: 200 } });
  });
});
