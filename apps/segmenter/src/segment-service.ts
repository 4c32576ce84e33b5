import {
  SegmentationDocumentSchema,
  type SegmentJob,
  type SegmentPrompt,
  type SegmentResult,
  type SegmentationDocument,
} from '@pertouch/contracts';
import type { RgbImage } from '@pertouch/imaging';
import { ImageIoError, decodeGreyPng, decodeRgb, encodeGreyPng } from '@pertouch/image-io';
import type { LabelledSegmentation, Mask, Prompt, SegmentationEngine } from '@pertouch/segmentation';
import { ObjectNotFoundError, type ObjectStore } from '@pertouch/storage';
import { SegmenterError, segmenterErrorOf } from './errors.js';
import { engineId, segmentationKeys, sha256Hex, type SegmentationKeys } from './keys.js';
import { lowestFreeId, mergeMask } from './merge.js';

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
 * 3. with a prompt, the same for `masks/{promptHash}.png` via `segmentPrompt`;
 * 4. with a prompt and `merge`, the same for `merged/{mergeHash}/labels.png` and then
 *    `.../segmentation.json`: the automatic segmentation with the mask laid over it as
 *    region `merge.label` (merge.ts), whose engine is `{engine}@{version}+prompt`.
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
    // Rasters computed by this call, kept for the merge (otherwise read back from the cache).
    let labels: Uint8Array | undefined;
    let mask: Uint8Array | undefined;
    if (!document) {
      const segmentation = await engine.segmentAuto(await decoded());
      checkSegmentation(segmentation, await decoded());
      labels = segmentation.labels;
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
        const computedMask = await engine.segmentPrompt(await decoded(), prompt);
        checkMask(computedMask, await decoded());
        await this.store.put(maskKey, await encodeGreyPng(computedMask.width, computedMask.height, computedMask.data), 'image/png');
        mask = computedMask.data;
        computed = true;
      }
    }

    let merged: SegmentResult['merged'];
    if (job.prompt && maskKey !== undefined && job.merge) {
      const onto = job.merge.onto;
      const base = onto === undefined ? document : await this.mergeBase(keys, onto);
      const automatic = onto === undefined ? labels : undefined;
      const out = await this.merge(keys, job.prompt, job.merge.label, onto, base, `${id}+prompt`, {
        labels: async () => automatic ?? (await this.readRaster(base.labelsKey, base)),
        mask: async () => mask ?? (await this.readRaster(maskKey, base)),
      });
      merged = { labelsKey: out.labelsKey, segmentationKey: out.segmentationKey, regionId: out.regionId };
      computed ||= out.computed;
    }

    return {
      segmentationKey: keys.segmentation,
      labelsKey: keys.labels,
      ...(maskKey === undefined ? {} : { maskKey }),
      ...(merged === undefined ? {} : { merged }),
      engine: document.engine,
      cached: !computed,
      contentHash,
      width: document.width,
      height: document.height,
      regionCount: document.regions.length,
    };
  }

  /**
   * The merged segmentation's keys and region id, written unless a complete entry exists
   * (and the cache is on). The id is the base table's lowest free one, so a cached entry is
   * found without decoding; the JSON is written last, like the base entry's.
   */
  private async merge(
    keys: SegmentationKeys,
    prompt: SegmentPrompt,
    label: string,
    onto: string | undefined,
    base: SegmentationDocument,
    engine: string,
    rasters: { labels: () => Promise<Uint8Array>; mask: () => Promise<Uint8Array> },
  ): Promise<{ labelsKey: string; segmentationKey: string; regionId: number; computed: boolean }> {
    const mergedKeys = keys.merged(prompt, label, onto);
    const regionId = lowestFreeId(base.regions);
    const result = { labelsKey: mergedKeys.labels, segmentationKey: mergedKeys.segmentation, regionId };
    if (this.cache) {
      const cached = await this.readDocument(mergedKeys.segmentation);
      // A document from another base (a repaired entry) would name another region: recompute.
      if (cached && cached.regions.some((r) => r.id === regionId && r.label === label)) return { ...result, computed: false };
    }
    const { labels, regions } = mergeMask({ width: base.width, height: base.height, labels: await rasters.labels(), mask: await rasters.mask(), regions: base.regions, regionId, label, engine });
    await this.store.put(mergedKeys.labels, await encodeGreyPng(base.width, base.height, labels), 'image/png');
    const document: SegmentationDocument = { ...base, labelsKey: mergedKeys.labels, regions, unavailable: [...base.unavailable] };
    await this.store.put(mergedKeys.segmentation, Buffer.from(JSON.stringify(document)), 'application/json');
    return { ...result, computed: true };
  }

  /**
   * The earlier merge a job lays its mask over (`merge.onto`): only a merged entry of the
   * same tenant, image content and engine version — anything else is the job's error.
   */
  private async mergeBase(keys: SegmentationKeys, onto: string): Promise<SegmentationDocument> {
    const document = onto.startsWith(`${keys.base}merged/`) && onto.endsWith('/segmentation.json') ? await this.readDocument(onto) : undefined;
    if (!document) throw new SegmenterError('invalid_payload', `merge.onto ${JSON.stringify(onto.slice(0, 200))} is not a merged segmentation of this image`);
    return document;
  }

  /**
   * A cached raster (labels or mask) of the document's size. Its limit is exactly that
   * size, so a mismatched entry fails to decode rather than exhausting memory; a broken
   * cache entry is a plain (retried) error, not the job's fault.
   */
  private async readRaster(key: string, document: SegmentationDocument): Promise<Uint8Array> {
    const raster = await decodeGreyPng(await this.store.get(key), { maxPixels: document.width * document.height });
    if (raster.width !== document.width || raster.height !== document.height) {
      throw new Error(`${key} is ${raster.width}×${raster.height}, its segmentation ${document.width}×${document.height}`);
    }
    return raster.data;
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
