import { describe, expect, it } from 'vitest';
import { SegmentationError } from '../errors.js';
import { discOnGrey, landscape } from '../testing/synthetic.js';
import { tonalMask } from '../tonal.js';
import { resolveLabel } from '../vocabulary.js';
import { createEmbeddedEngine } from './engine.js';

describe('embedded engine: automatic regions', () => {
  it('covers every pixel with listed regions and labels sky above grass', async () => {
    const image = landscape(480, 320);
    const seg = await createEmbeddedEngine().segmentAuto(image);
    expect(seg.labels).toHaveLength(480 * 320);
    const ids = new Set(seg.regions.map((r) => r.id));
    expect(seg.labels.every((l) => ids.has(l))).toBe(true);
    expect(seg.regions.reduce((s, r) => s + r.area, 0)).toBe(480 * 320);
    const at = (x: number, y: number) => seg.regions.find((r) => r.id === seg.labels[y * 480 + x])!.label;
    expect(at(240, 20)).toBe('sky');
    expect(at(240, 300)).toBe('vegetation');
    expect(resolveLabel(seg, 'the trees').length).toBeGreaterThan(0);
    expect(seg.engine).toBe('embedded@1');
    expect(seg.unavailable).toEqual(expect.arrayContaining(['person', 'face', 'animal']));
  });

  it('follows the edge at full resolution, within a pixel of a tilted horizon', async () => {
    // 2000 px wide: the working image is half size, so the edge must be recovered by refinement.
    const W = 2000, H = 1200;
    const horizon = (x: number) => 0.4 + 0.1 * (x / W);
    const seg = await createEmbeddedEngine().segmentAuto(landscape(W, H, horizon));
    const sky = new Set(resolveLabel(seg, 'sky'));
    let worst = 0;
    for (let x = 5; x < W; x += 97) {
      let y = 0;
      while (y < H && sky.has(seg.labels[y * W + x])) y++;
      worst = Math.max(worst, Math.abs(y - horizon(x) * H));
    }
    expect(worst).toBeLessThanOrEqual(1.5);
  });

  it('finds an enclosed object that stands out as the subject', async () => {
    const seg = await createEmbeddedEngine().segmentAuto(discOnGrey(400, 300));
    const subject = resolveLabel(seg, 'subject');
    expect(subject).toHaveLength(1);
    const region = seg.regions.find((r) => r.id === subject[0])!;
    const expected = Math.PI * (0.18 * 300) ** 2;
    expect(Math.abs(region.area - expected) / expected).toBeLessThan(0.05);
    expect(region.centroid.x).toBeCloseTo(200, -1);
  });

  it('keeps 16-bit input and reuses the automatic segmentation for prompts', async () => {
    const eight = landscape(300, 200);
    const sixteen = { ...eight, data: Uint16Array.from(eight.data, (v) => v * 257) };
    const engine = createEmbeddedEngine();
    const a = await engine.segmentAuto(eight), b = await engine.segmentAuto(sixteen);
    expect(b.regions.map((r) => r.label)).toEqual(a.regions.map((r) => r.label));
    expect(await engine.segmentAuto(eight)).toBe(a);
  });

  it('answers point, box and label prompts', async () => {
    const engine = createEmbeddedEngine();
    const image = landscape(300, 200);
    const point = await engine.segmentPrompt(image, { kind: 'point', x: 150, y: 20 });
    expect(point.data[20 * 300 + 150]).toBe(255);
    expect(point.data[190 * 300 + 150]).toBe(0);
    const label = await engine.segmentPrompt(image, { kind: 'label', word: 'the grass' });
    expect(label.data[190 * 300 + 150]).toBe(255);
    expect(label.data[10 * 300 + 150]).toBe(0);
    const box = await engine.segmentPrompt(image, { kind: 'box', box: { x0: 0, y0: 120, x1: 150, y1: 200 } });
    expect(box.data[150 * 300 + 50]).toBe(255);
    expect(box.data[150 * 300 + 250]).toBe(0);
    const shadows = await engine.segmentPrompt(image, { kind: 'label', word: 'the shadows' });
    expect(shadows).toEqual(tonalMask(image, 'shadows'));
  });

  it('rejects bad prompts and images with stable codes', async () => {
    const engine = createEmbeddedEngine();
    const image = landscape(100, 80);
    const code = async (p: Promise<unknown>) => p.then(() => 'none', (e: SegmentationError) => e.code);
    expect(await code(engine.segmentPrompt(image, { kind: 'point', x: 100, y: 10 }))).toBe('prompt_outside_image');
    expect(await code(engine.segmentPrompt(image, { kind: 'box', box: { x0: 200, y0: 0, x1: 300, y1: 10 } }))).toBe('prompt_outside_image');
    expect(await code(engine.segmentPrompt(image, { kind: 'box', box: { x0: 50, y0: 0, x1: 10, y1: 10 } }))).toBe('invalid_prompt');
    expect(await code(engine.segmentPrompt(image, { kind: 'label', word: 'flibbertigibbet' }))).toBe('unknown_label');
    expect(await code(engine.segmentPrompt(image, { kind: 'label', word: 'the dog' }))).toBe('label_not_found');
    expect(await code(engine.segmentAuto({ width: 10, height: 10, data: new Uint8Array(7) }))).toBe('invalid_image');
  });
});
