/**
 * The embedded segmentation engine: no weights needed, optional shipped models add
 * thing labels. SLIC superpixels → detections claim superpixels → region merging →
 * labelling → edge-aware upsampling to the full image.
 */
import type { RgbImage } from '@pertouch/imaging';
import { imageContentKey, LruCache } from '../image-cache.js';
import { labelWorkingUnits } from '../label/label-regions.js';
import { reconcileDetections } from '../label/reconcile.js';
import { assignThings } from '../label/things.js';
import { promptMask } from '../prompt.js';
import { assertRgbImage } from '../validate.js';
import { lineage } from '../vocabulary.js';
import { regionGeometry } from '../region-stats.js';
import type { LabelledSegmentation, Prompt, SegmentationEngine, ThingDetection, ThingDetector } from '../types.js';
import { mergeSuperpixels, type MergeOptions } from './merge.js';
import { refineUpsample } from './refine.js';
import { splitSkin } from './skin.js';
import { slic } from './slic.js';
import { gatherAdjacency, gatherUnitStats } from './unit-stats.js';
import { prepareSegmentWorking, SEGMENT_LONG_SIDE } from './working-image.js';

export const EMBEDDED_ENGINE_VERSION = '1';

export interface EmbeddedEngineOptions {
  /** Optional thing models (see loadDetectors); none by default. */
  readonly detectors?: readonly ThingDetector[];
  /** Labels known to be unavailable (models absent), reported with every result. */
  readonly unavailable?: readonly string[];
  readonly longSide?: number;
  readonly superpixels?: number;
  readonly merge?: MergeOptions;
  /** How many automatic segmentations to keep for later prompts on the same image. */
  readonly cacheSize?: number;
}

/** Every label only a model can give; without it the engine says so. */
const MODEL_LABELS = ['person', 'face', 'skin', 'animal', 'vehicle'];

export function createEmbeddedEngine(options: EmbeddedEngineOptions = {}): SegmentationEngine {
  const detectors = options.detectors ?? [];
  // A detector of 'dog' provides 'animal' too (its lineage).
  const provided = new Set(detectors.flatMap((d) => d.labels.flatMap(lineage)));
  const unavailable = [...new Set([...(options.unavailable ?? []), ...MODEL_LABELS.filter((l) => !provided.has(l) && !(l === 'skin' && provided.has('person')))])];
  const tag = ['embedded', ...detectors.map((d) => d.name)].join('+');
  const version = `${EMBEDDED_ENGINE_VERSION}${detectors.length ? '+' + detectors.map((d) => d.name).sort().join('+') : ''}`;
  const cocoRan = detectors.some((d) => d.labels.includes('dog'));
  const cache = new LruCache<LabelledSegmentation>(options.cacheSize ?? 4);

  async function segmentAuto(image: RgbImage): Promise<LabelledSegmentation> {
    assertRgbImage(image);
    const key = imageContentKey(image);
    const hit = cache.get(key);
    if (hit) return hit;
    const detections: ThingDetection[] = [];
    for (const d of detectors) detections.push(...(await d.detect(image)));
    const trusted = reconcileDetections(detections, image, { cocoRan });
    const work = prepareSegmentWorking(image, options.longSide ?? SEGMENT_LONG_SIDE);
    const sp = slic(work, { target: options.superpixels });
    const things = assignThings(work, sp.ids, sp.count, trusted, image);
    const { group, detections: all } = splitSkin(work, sp.ids, sp.count, things);
    const merged = mergeSuperpixels(gatherUnitStats(work, sp.ids, sp.count), gatherAdjacency(work, sp.ids, sp.count), group, options.merge);
    const regionGroup = new Int32Array(merged.count).fill(-1);
    const small = new Uint8Array(work.width * work.height);
    for (let i = 0; i < small.length; i++) {
      const r = merged.region[sp.ids[i]];
      small[i] = r;
      regionGroup[r] = group[sp.ids[i]];
    }
    const names = labelWorkingUnits(work, small, merged.count, regionGroup, all);
    const labels = refineUpsample(image, work.rgb, small, work.width, work.height);
    const regions = regionGeometry(labels, image.width, image.height).map((g) => ({ ...g, ...names[g.id], engine: tag }));
    const result: LabelledSegmentation = { width: image.width, height: image.height, labels, regions, engine: `embedded@${version}`, unavailable };
    cache.set(key, result);
    return result;
  }

  return {
    name: 'embedded',
    version,
    segmentAuto,
    async segmentPrompt(image: RgbImage, prompt: Prompt) {
      assertRgbImage(image);
      return promptMask(image, prompt, () => segmentAuto(image));
    },
  };
}
