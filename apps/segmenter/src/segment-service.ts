import {
  SegmentationDocumentSchema,
  type SegmentJob,
  type SegmentResult,
  type SegmentationDocument,
} from '@pertouch/contracts';
import type { RgbImage } from '@pertouch/imaging';
import { ImageIoError, decodeRgb, encodeGreyPng } from '@pertouch/image-io';
import type { LabelledSegmentation, Mask, Prompt, SegmentationEngine } from '@pertouch/segmentation';
import { ObjectNotFoundError, type ObjectStore } from '@pertouch/storage';
import { SegmenterError, segmenterErrorOf } from './errors.js';
import { engineId, segmentationKeys, sha256Hex } from './keys.js';

export interface SegmentServiceOptions {
  readonly store: ObjectStore;
  /** Engines by the name a job uses ('embedded', 'sam'). */
  readonly engines: Readonly<Record<string, SegmentationEngine>>;
  /** Engine for jobs that name none. */
  readonly defaultEngine: string;
  /** Largest accepted width × height. */
  readonly maxPixels: number;
  /** false: never read the cache (always segment; outputs are still written). Default true. */
  readonly cache?: boolean;
}

/**
 * Segments one stored image and stores the outputs, once per (tenant, content, engine
 * version):
 *
 * 1. read the image bytes, hash them (sha256);
 * 2. if the tenant's `segmentation.json` for that hash and engine version exists, reuse it;
 *    otherwise decode, run `segmentAuto`, write `labels.png` and then `segmentation.json`
 *    (the JSON is written last: its presence means the entry is complete);
 * 3. with a prompt, the same for `masks/{promptHash}.png` via `segmentPrompt`.
 *
 * Check-then-write without locks: two deliveries of the same job may both compute and
 * both write, but they write the same bytes to the same keys (engines are deterministic),
 * so re-delivery never duplicates or corrupts results.
 */
export class SegmentService {
  private readonly store: ObjectStore;
  private readonly engines: Readonly<Record<string, SegmentationEngine>>;
  private readonly defaultEngine: string;
  private readonly maxPixels: number;
  private readonly cache: boolean;

  constructor(options: SegmentServiceOptions) {
    this.store = options.store;
    this.engines = options.engines;
    this.defaultEngine = options.defaultEngine;
    this.maxPixels = options.maxPixels;
    this.cache = options.cache ?? true;
  }

  async segment(job: SegmentJob): Promise<SegmentResult> {
    const engineName = job.engine ?? this.defaultEngine;
    const engine = Object.hasOwn(this.engines, engineName) ? this.engines[engineName] : undefined;
    if (!engine) {
      throw new SegmenterError('unknown_engine', `engine ${JSON.stringify(engineName)} is not available here (available: ${Object.keys(this.engines).join(', ') || 'none'})`);
    }
    const id = engineId(engine);

    let bytes: Buffer;
    try {
      bytes = await this.store.get(job.imageKey);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new SegmenterError('image_not_found', `no image at ${JSON.stringify(job.imageKey)}`);
      throw error;
    }
    const contentHash = sha256Hex(bytes);
    const keys = segmentationKeys(job.tenantId, engine, contentHash);

    let image: RgbImage | undefined;
    const decoded = async (): Promise<RgbImage> => (image ??= await this.decode(bytes));

    let document = this.cache ? await this.readDocument(keys.segmentation) : undefined;
    let computed = false;
    if (!document) {
      const segmentation = await engine.segmentAuto(await decoded());
      checkSegmentation(segmentation, await decoded());
      await this.store.put(keys.labels, await encodeGreyPng(segmentation.width, segmentation.height, segmentation.labels), 'image/png');
      document = {
        format: 1,
        width: segmentation.width,
        height: segmentation.height,
        engine: segmentation.engine || id,
        contentHash,
        labelsKey: keys.labels,
        regions: segmentation.regions.map((r) => ({
          id: r.id,
          area: r.area,
          bbox: { x0: r.bbox.x0, y0: r.bbox.y0, x1: r.bbox.x1, y1: r.bbox.y1 },
          centroid: { x: r.centroid.x, y: r.centroid.y },
          label: r.label,
          confidence: r.confidence,
          engine: r.engine,
        })),
        unavailable: [...segmentation.unavailable],
      };
      await this.store.put(keys.segmentation, Buffer.from(JSON.stringify(document)), 'application/json');
      computed = true;
    }

    let maskKey: string | undefined;
    if (job.prompt) {
      maskKey = keys.mask(job.prompt);
      if (!this.cache || !(await this.store.exists(maskKey))) {
        const prompt: Prompt = job.prompt;
        const mask = await engine.segmentPrompt(await decoded(), prompt);
        checkMask(mask, await decoded());
        await this.store.put(maskKey, await encodeGreyPng(mask.width, mask.height, mask.data), 'image/png');
        computed = true;
      }
    }

    return {
      segmentationKey: keys.segmentation,
      labelsKey: keys.labels,
      ...(maskKey === undefined ? {} : { maskKey }),
      engine: document.engine,
      cached: !computed,
      contentHash,
      width: document.width,
      height: document.height,
      regionCount: document.regions.length,
    };
  }

  /** The image as engines see it (upright 8-bit sRGB); bad bytes become the segmenter's input errors. */
  private async decode(bytes: Buffer): Promise<RgbImage> {
    try {
      return await decodeRgb(bytes, { maxPixels: this.maxPixels });
    } catch (error) {
      if (error instanceof ImageIoError) throw segmenterErrorOf(error);
      throw error;
    }
  }

  /** A complete cache entry, or undefined (missing, or unreadable: then it is recomputed and overwritten). */
  private async readDocument(key: string): Promise<SegmentationDocument | undefined> {
    if (!(await this.store.exists(key))) return undefined;
    let text: Buffer;
    try {
      text = await this.store.get(key);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
    try {
      const parsed = SegmentationDocumentSchema.safeParse(JSON.parse(text.toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}

/** An engine must answer at the image's resolution; anything else is an engine bug (retried, then failed). */
function checkSegmentation(s: LabelledSegmentation, image: RgbImage): void {
  if (s.width !== image.width || s.height !== image.height || s.labels.length !== s.width * s.height) {
    throw new Error(`engine ${s.engine} returned a ${s.width}×${s.height} raster of ${s.labels.length} labels for a ${image.width}×${image.height} image`);
  }
}

function checkMask(m: Mask, image: RgbImage): void {
  if (m.width !== image.width || m.height !== image.height || m.data.length !== m.width * m.height) {
    throw new Error(`engine returned a ${m.width}×${m.height} mask of ${m.data.length} bytes for a ${image.width}×${image.height} image`);
  }
}
