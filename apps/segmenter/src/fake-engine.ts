import type { RgbImage } from '@pertouch/imaging';
import { SegmentationError, type LabelledSegmentation, type Mask, type Prompt, type RegionInfo, type SegmentationEngine } from '@pertouch/segmentation';

export interface FakeEngineOptions {
  readonly name?: string;
  readonly version?: string;
  /** Each call waits this long (ms) before answering (for concurrency and shutdown tests). */
  readonly delayMs?: number;
  /** The first `failTimes` calls throw a plain Error (a transient failure). */
  readonly failTimes?: number;
}

/**
 * A small deterministic SegmentationEngine for tests and benchmarks — not a segmenter:
 * the left half of the image (x < ⌈width/2⌉) is region 0 "left", the rest region 1
 * "right". Prompts follow the segmentation contract: a point or box outside the image →
 * SegmentationError('prompt_outside_image'); a label other than "left"/"right" →
 * 'unknown_label'. It records every call and its start/end times.
 */
export class FakeSegmentationEngine implements SegmentationEngine {
  readonly name: string;
  readonly version: string;
  readonly calls: { readonly method: 'auto' | 'prompt'; readonly start: number; end: number }[] = [];
  private readonly delayMs: number;
  private failuresLeft: number;

  constructor(options: FakeEngineOptions = {}) {
    this.name = options.name ?? 'embedded';
    this.version = options.version ?? 'fake-1';
    this.delayMs = options.delayMs ?? 0;
    this.failuresLeft = options.failTimes ?? 0;
  }

  get autoCalls(): number {
    return this.calls.filter((c) => c.method === 'auto').length;
  }

  get promptCalls(): number {
    return this.calls.filter((c) => c.method === 'prompt').length;
  }

  async segmentAuto(image: RgbImage): Promise<LabelledSegmentation> {
    return this.track('auto', () => {
      const { width, height } = image;
      const split = Math.ceil(width / 2);
      const labels = new Uint8Array(width * height);
      for (let y = 0; y < height; y++) labels.fill(1, y * width + split, (y + 1) * width);
      const engine = `${this.name}@${this.version}`;
      const region = (id: number, x0: number, x1: number, label: string): RegionInfo => ({
        id,
        area: (x1 - x0) * height,
        bbox: { x0, y0: 0, x1, y1: height },
        centroid: { x: (x0 + x1) / 2, y: height / 2 },
        label,
        confidence: 1,
        engine,
      });
      const regions = [region(0, 0, split, 'left')];
      if (split < width) regions.push(region(1, split, width, 'right'));
      return { width, height, labels, regions, engine, unavailable: [] };
    });
  }

  async segmentPrompt(image: RgbImage, prompt: Prompt): Promise<Mask> {
    return this.track('prompt', () => {
      const { width, height } = image;
      const split = Math.ceil(width / 2);
      const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height;
      const data = new Uint8Array(width * height);
      const fillHalf = (right: boolean) => {
        for (let y = 0; y < height; y++) data.fill(255, y * width + (right ? split : 0), y * width + (right ? width : split));
      };
      switch (prompt.kind) {
        case 'point':
          if (!inside(prompt.x, prompt.y)) throw new SegmentationError('prompt_outside_image', `point (${prompt.x}, ${prompt.y}) is outside the ${width}×${height} image`);
          fillHalf(prompt.x >= split);
          break;
        case 'points':
          for (const p of prompt.points) {
            if (!inside(p.x, p.y)) throw new SegmentationError('prompt_outside_image', `point (${p.x}, ${p.y}) is outside the ${width}×${height} image`);
            if (p.positive) fillHalf(p.x >= split);
          }
          break;
        case 'box': {
          const { x0, y0, x1, y1 } = prompt.box;
          if (x1 <= 0 || y1 <= 0 || x0 >= width || y0 >= height) throw new SegmentationError('prompt_outside_image', `box does not overlap the ${width}×${height} image`);
          for (let y = Math.max(0, Math.floor(y0)); y < Math.min(height, Math.ceil(y1)); y++) {
            data.fill(255, y * width + Math.max(0, Math.floor(x0)), y * width + Math.min(width, Math.ceil(x1)));
          }
          break;
        }
        case 'label':
          if (prompt.word !== 'left' && prompt.word !== 'right') throw new SegmentationError('unknown_label', `unknown label ${JSON.stringify(prompt.word)} (known: left, right)`);
          fillHalf(prompt.word === 'right');
          break;
      }
      return { width, height, data };
    });
  }

  private async track<T>(method: 'auto' | 'prompt', work: () => T): Promise<T> {
    const call = { method, start: performance.now(), end: Number.NaN };
    this.calls.push(call);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (this.failuresLeft > 0) {
        this.failuresLeft--;
        throw new Error('fake engine: transient failure');
      }
      return work();
    } finally {
      call.end = performance.now();
    }
  }
}
