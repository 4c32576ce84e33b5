/**
 * The SAM segmentation engine: automatic labelled regions (PerTouch's grid-of-clicks
 * recipe, automatic.ts) and prompted masks, on any SamModel. Image embeddings are cached
 * per image content, so only the first prompt on an image runs the encoder.
 */
import type { RgbImage } from '@pertouch/imaging';
import { SegmentationError } from '../errors.js';
import { labelRegions } from '../label/label-regions.js';
import { REGION_LABELS, TONAL_LABELS } from '../types.js';
import type { LabelledSegmentation, Mask, Prompt, SegmentationEngine, ThingDetection, ThingDetector } from '../types.js';
import {
  MaskAssigner,
  autoWorkingSize,
  finaliseRegions,
  gridPoints,
  openRegions,
  workingAreaThreshold,
} from './automatic.js';
import { LruCache, imageContentKey } from '../image-cache.js';
import { binaryMask, chooseMaskIndex } from './mask-select.js';
import { encoderInput, resizedSizeOf } from './preprocess.js';
import type { GeometricPrompt } from './prompt-points.js';
import { decoderPrompt, singleClickPrompt } from './prompt-points.js';
import type { SamDecoderResult, SamEmbedding, SamModel, Size } from './sam-model.js';
import { assertRgbImage } from '../validate.js';

export const SAM_ENGINE_NAME = 'sam';
/** Bump when the engine's output for the same image, model and options may change. */
export const SAM_ENGINE_VERSION = 'sam-1';

export interface SamEngineOptions {
  readonly model: SamModel;
  /** Image embeddings kept (LRU, keyed by pixel content). Default 8. */
  readonly cacheSize?: number;
  /** Automatic segmentations kept (LRU, keyed by pixel content), for 'label' prompts. Default 2. */
  readonly autoCacheSize?: number;
  /** The automatic pass's grid is gridSize × gridSize single clicks. Default 32 (PerTouch). */
  readonly gridSize?: number;
  /**
   * Longest side of the automatic pass's label raster (automatic.ts autoWorkingSize).
   * Default 1024, SAM's own mask resolution; Infinity works at full resolution.
   */
  readonly autoMaxSide?: number;
  /** Regions under this many pixels at full resolution go to "rest". Default 400 (PerTouch). */
  readonly minRegionArea?: number;
  /** Optional thing models, so SAM's regions are labelled like the embedded engine's. */
  readonly detectors?: readonly ThingDetector[];
  /** Labels reported unavailable (their models absent). */
  readonly unavailable?: readonly string[];
}

export const DEFAULT_CACHE_SIZE = 8;
export const DEFAULT_GRID_SIZE = 32;
export const DEFAULT_AUTO_MAX_SIDE = 1024;
export const DEFAULT_MIN_REGION_AREA = 400;

export class SamEngine implements SegmentationEngine {
  readonly name = SAM_ENGINE_NAME;
  /** SAM_ENGINE_VERSION, plus the optional models that label its regions (they change the labels). */
  readonly version: string;
  readonly model: SamModel;
  private readonly gridSize: number;
  private readonly autoMaxSide: number;
  private readonly minRegionArea: number;
  private readonly detectors: readonly ThingDetector[];
  private readonly unavailable: readonly string[];
  private readonly embeddings: LruCache<Promise<SamEmbedding>>;
  private readonly autoResults: LruCache<Promise<LabelledSegmentation>>;

  constructor(options: SamEngineOptions) {
    this.model = options.model;
    this.gridSize = positiveInteger(options.gridSize ?? DEFAULT_GRID_SIZE, 'gridSize');
    this.autoMaxSide = options.autoMaxSide ?? DEFAULT_AUTO_MAX_SIDE;
    if (!(this.autoMaxSide >= 1)) throw new RangeError(`SamEngine: autoMaxSide must be ≥ 1 (got ${this.autoMaxSide})`);
    this.minRegionArea = options.minRegionArea ?? DEFAULT_MIN_REGION_AREA;
    this.detectors = options.detectors ?? [];
    this.version = [SAM_ENGINE_VERSION, ...this.detectors.map((d) => d.name).sort()].join('+');
    this.unavailable = options.unavailable ?? [];
    if (!(this.minRegionArea >= 0)) throw new RangeError(`SamEngine: minRegionArea must be ≥ 0 (got ${this.minRegionArea})`);
    this.embeddings = new LruCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
    this.autoResults = new LruCache(options.autoCacheSize ?? 2);
  }

  /** "sam@sam-1": the engine tag recorded on segmentations. */
  get tag(): string {
    return `${this.name}@${this.version}`;
  }

  async segmentAuto(image: RgbImage): Promise<LabelledSegmentation> {
    assertRgbImage(image);
    const key = imageContentKey(image);
    return this.cached(this.autoResults, key, () => this.computeAuto(image, key));
  }

  async segmentPrompt(image: RgbImage, prompt: Prompt): Promise<Mask> {
    assertRgbImage(image);
    if (prompt.kind === 'label') return this.labelMask(image, prompt.word);
    const key = imageContentKey(image);
    const size: Size = { width: image.width, height: image.height };
    // Validate before encoding: a bad prompt must not cost an encoder run.
    const frame = this.modelFrameOf(size);
    const points = decoderPrompt(prompt as GeometricPrompt, size, frame);
    const embedding = await this.embeddingOf(image, key);
    const result = await this.model.decode(embedding, points, { frame, output: size });
    assertResultSize(result, size);
    return binaryMask(result, chooseMaskIndex(result.scores, result.maskCount, points.labels.length));
  }

  /** Forgets cached embeddings and segmentations. */
  clearCache(): void {
    this.embeddings.clear();
    this.autoResults.clear();
  }

  async dispose(): Promise<void> {
    this.clearCache();
    await this.model.dispose?.();
  }

  private modelFrameOf(size: Size): Size {
    return resizedSizeOf(size.width, size.height, this.model.inputSide);
  }

  private embeddingOf(image: RgbImage, key: string): Promise<SamEmbedding> {
    return this.cached(this.embeddings, key, () => this.model.encode(encoderInput(image, this.model.inputSide)));
  }

  /** The cached promise for `key`, or a new one from `compute`; a failure is not cached. */
  private cached<V>(cache: LruCache<Promise<V>>, key: string, compute: () => Promise<V>): Promise<V> {
    const hit = cache.get(key);
    if (hit) return hit;
    const pending = compute();
    cache.set(key, pending);
    pending.catch(() => {
      if (cache.peek(key) === pending) cache.delete(key);
    });
    return pending;
  }

  private async computeAuto(image: RgbImage, key: string): Promise<LabelledSegmentation> {
    const full: Size = { width: image.width, height: image.height };
    const working = autoWorkingSize(full.width, full.height, this.autoMaxSide);
    const resized = this.modelFrameOf(full);
    const embedding = await this.embeddingOf(image, key);
    const grid = gridPoints(this.gridSize, full.width, full.height);
    const promptCount = grid.length / 2;
    const target = { frame: resized, output: working };
    const decodeAt = (k: number) => this.model.decode(embedding, singleClickPrompt(grid[2 * k], grid[2 * k + 1], full, resized), target);

    const assigner = new MaskAssigner(working.width, working.height);
    // One prompt set per decoder run (SAM's export has batch 1); the next run is started
    // before this one's masks are assigned, so post-processing overlaps the decoder.
    let pending = decodeAt(0);
    try {
      for (let k = 0; k < promptCount; k++) {
        const result = await pending;
        if (k + 1 < promptCount) pending = decodeAt(k + 1);
        assertResultSize(result, working);
        const index = chooseMaskIndex(result.scores, result.maskCount, 2);
        assigner.add(result.maskLogits(index), 0, result.scores[index]);
      }
    } finally {
      // After a failure the run already started must not surface as an unhandled rejection.
      pending.catch(() => undefined);
    }

    const opened = openRegions(assigner.owner, working.width, working.height);
    const minArea = workingAreaThreshold(this.minRegionArea, working, full);
    const labels = finaliseRegions(opened, assigner.maskCount, { minArea });
    const things: ThingDetection[] = [];
    for (const d of this.detectors) things.push(...(await d.detect(image)));
    return {
      width: working.width,
      height: working.height,
      labels,
      regions: labelRegions(image, labels, working.width, working.height, { engine: SAM_ENGINE_NAME, things, cocoRan: this.detectors.some((d) => d.labels.includes('dog')) }),
      engine: this.tag,
      unavailable: this.unavailable,
    };
  }

  /**
   * SAM has no text input: a 'label' prompt is the union of the automatic regions that
   * carry that label, resampled (nearest) to the image. A vocabulary or COCO label absent
   * from the image gives an empty mask; a tonal label or a word no region carries and the
   * vocabulary lacks is 'unknown_label'.
   */
  private async labelMask(image: RgbImage, word: string): Promise<Mask> {
    const wanted = word.trim().toLowerCase();
    if ((TONAL_LABELS as readonly string[]).includes(wanted)) {
      throw new SegmentationError('unknown_label', `"${word}" is a tonal mask; the SAM engine does not produce tonal masks`);
    }
    const seg = await this.segmentAuto(image);
    const ids = new Uint8Array(256);
    for (const region of seg.regions) if (region.label.toLowerCase() === wanted) ids[region.id] = 1;
    if (!ids.includes(1) && !(REGION_LABELS as readonly string[]).includes(wanted)) {
      throw new SegmentationError('unknown_label', `no region is labelled "${word}" and it is not a vocabulary label`);
    }
    return resampleSelection(seg, ids, image.width, image.height);
  }
}

/** A SAM engine over `options.model`. */
export function createSamEngine(options: SamEngineOptions): SamEngine {
  return new SamEngine(options);
}

/** 255 where the nearest label-raster pixel's id is selected, at width × height. */
function resampleSelection(seg: LabelledSegmentation, selected: Uint8Array, width: number, height: number): Mask {
  const data = new Uint8Array(width * height);
  const cols = new Int32Array(width);
  for (let x = 0; x < width; x++) cols[x] = Math.min(seg.width - 1, Math.floor(((x + 0.5) * seg.width) / width));
  for (let y = 0; y < height; y++) {
    const row = Math.min(seg.height - 1, Math.floor(((y + 0.5) * seg.height) / height)) * seg.width;
    for (let x = 0; x < width; x++) if (selected[seg.labels[row + cols[x]]]) data[y * width + x] = 255;
  }
  return { width, height, data };
}

function assertResultSize(result: SamDecoderResult, size: Size): void {
  if (result.width !== size.width || result.height !== size.height || result.maskCount < 1 || result.scores.length < result.maskCount) {
    throw new SegmentationError('model_invalid', `decoder returned ${result.maskCount} masks of ${result.width}×${result.height}, expected ${size.width}×${size.height}`);
  }
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`SamEngine: ${what} must be a positive integer (got ${value})`);
  return value;
}
