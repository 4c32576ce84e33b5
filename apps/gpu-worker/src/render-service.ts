import {
  RenderReportDocumentSchema,
  SegmentationDocumentSchema,
  isTenantKey,
  previewSize,
  type AnalyseJob,
  type AnalyseResult,
  type Preview,
  type RenderJob,
  type RenderReportDocument,
  type RenderResult,
  type SceneFeaturesData,
} from '@pertouch/contracts';
import { assertSameAspect, prepareImage, prepareWorking, type CalibrationTable, type PreparedImage, type RgbImage, type Segmentation } from '@pertouch/imaging';
import { describeScene, describeWithModel, SceneModelError, type SceneModel } from '@pertouch/memory';
import { ObjectNotFoundError, type ObjectStore } from '@pertouch/storage';
import { contentTypeOf, decodeLabels, decodeOriginal, encodeOutput, encodePreview } from './codec.js';
import { engineLabel, type EngineRegistry } from './engine.js';
import { messageOf, RenderJobError } from './errors.js';
import { resolveShifts } from './shifts.js';
import type { Logger } from './worker.js';

export interface RenderServiceOptions {
  readonly store: ObjectStore;
  readonly engines: EngineRegistry;
  /** Largest accepted width × height of an original (checked before decoding). */
  readonly maxPixels: number;
  /** Normalises the as-shot scores of `analyse`; the embedded engine renders with the same table. */
  readonly table: CalibrationTable;
  /** Structured log; one `round.written` line per round this process stores (the e2e test counts them). */
  readonly log?: Logger;
  /**
   * The image-embedding model of `analyse`'s scene (PERTOUCH_SCENE_MODEL, loaded by
   * loadSceneModel); without it the scene is the embedded descriptor "embedded-v1".
   */
  readonly sceneModel?: SceneModel;
}

export interface RenderCallOptions {
  readonly signal?: AbortSignal;
  /** The job's progress, 0..1. */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * The gpu-worker's two jobs, on object keys only (bytes in storage, nothing in memory
 * between jobs):
 *
 * - `analyse`: the as-shot parameter map of an original under the segmenter's labels;
 * - `render`: one round — render the targets, write the image to `outputKey` and then the
 *   report to `reportKey`. The report is written last, so its presence means the round
 *   is complete; a re-delivered round that finds both returns `reused: true` and writes
 *   nothing (design.md §7: re-delivery never duplicates results).
 *
 * Either job may name a `previewKey`: a small JPEG (codec.ts encodePreview) of the
 * original, or of the round's output, for the VLM that picks objects and judges rounds.
 * A round's preview is written before its report, so a complete round has one.
 */
export class RenderService {
  constructor(private readonly options: RenderServiceOptions) {}

  async analyse(job: AnalyseJob): Promise<AnalyseResult> {
    checkKeys(job.tenantId, {
      imageKey: job.imageKey,
      labelsKey: job.labelsKey,
      ...(job.segmentationKey ? { segmentationKey: job.segmentationKey } : {}),
      ...(job.previewKey ? { previewKey: job.previewKey } : {}),
    });
    const { image, segmentation } = await this.load(job.imageKey, job.labelsKey);
    const prepared = prepareImage(image, segmentation, this.options.table);
    // The whole image as one region, from the same working-size copy (no second downsampling).
    const whole = prepareWorking(image, prepared.work, prepared.spread, undefined, this.options.table).regions[0];
    return {
      width: image.width,
      height: image.height,
      regions: prepared.regions.map((r) => ({ id: r.id, area: r.area, values: { ...r.values } })),
      whole: { ...whole.values },
      ...(job.segmentationKey ? { scene: await this.scene(image, prepared, job.segmentationKey) } : {}),
      ...(job.previewKey ? { preview: await this.writePreview(job.previewKey, image) } : {}),
    };
  }

  /**
   * The scene descriptor of the scene memory, with the segmenter's region labels: the
   * configured scene model's embedding (kind "onnx:…"), else libs/memory's describeScene
   * ("embedded-v1") from the same working-size copy the values were measured on.
   * Computed here because this is where the image is decoded.
   */
  private async scene(image: RgbImage, prepared: PreparedImage, segmentationKey: string): Promise<SceneFeaturesData> {
    const bytes = await this.read(segmentationKey, () => new RenderJobError('segmentation_failed', `no segmentation document at ${JSON.stringify(segmentationKey)}`));
    let document;
    try {
      document = SegmentationDocumentSchema.parse(JSON.parse(bytes.toString('utf8')));
    } catch {
      throw new RenderJobError('segmentation_failed', `${segmentationKey} is not a segmentation document`);
    }
    const regions = document.regions.map((r) => ({ id: r.id, label: r.label }));
    const model = this.options.sceneModel;
    const features = model
      ? await this.embedScene(model, image, prepared, regions)
      : describeScene({ work: prepared.work, labels: prepared.labels, regions }, this.options.table);
    return { kind: features.kind, vector: Array.from(features.vector), labels: [...features.labels] };
  }

  /**
   * The model's scene. Its input (224² for CLIP) is made from the working-size copy (long
   * side 512, already area-averaged) when that copy's short side covers the input, so the
   * full-resolution image is not resampled twice; from the original otherwise (small or
   * very elongated images, whose working copy is too thin).
   *
   * A failure fails the job — it never falls back to the embedded descriptor, whose
   * vectors are another kind: a user's scenes would be split between two memories that
   * never meet. A model that answers with a malformed embedding fails it at once
   * (`internal_error`: retrying cannot help); a failure to run (e.g. out of memory) is
   * rethrown, so BullMQ retries it with the producer's backoff.
   */
  private async embedScene(model: SceneModel, image: RgbImage, prepared: PreparedImage, regions: readonly { id: number; label: string }[]) {
    const source = Math.min(prepared.work.width, prepared.work.height) >= model.inputSize ? prepared.work : image;
    try {
      return await describeWithModel(model, source, regions);
    } catch (error) {
      if (error instanceof SceneModelError) throw new RenderJobError('internal_error', `scene model ${model.kind}: ${error.message}`);
      throw new Error(`scene model ${model.kind} failed: ${messageOf(error)}`, { cause: error });
    }
  }

  async render(job: RenderJob, call: RenderCallOptions = {}): Promise<RenderResult> {
    checkKeys(job.tenantId, {
      imageKey: job.imageKey,
      ...(job.labelsKey ? { labelsKey: job.labelsKey } : {}),
      outputKey: job.outputKey,
      reportKey: job.reportKey,
      ...(job.previewKey ? { previewKey: job.previewKey } : {}),
    });
    const engine = await this.options.engines.require(job.engine);
    const done = await this.completedRound(job);
    if (done) return done;

    const progress = call.onProgress ?? (() => {});
    const loaded = await this.load(job.imageKey, job.labelsKey);
    const image = loaded.image;
    const segmentation = job.regionGroups ? mergeRegions(loaded.segmentation, job.regionGroups) : loaded.segmentation;
    progress(0.1);
    const targets = resolveShifts(job.targets, image, segmentation, this.options.table);
    const rendered = await engine.render(image, segmentation, targets, { signal: call.signal, onProgress: (f) => progress(0.1 + 0.8 * f) });
    call.signal?.throwIfAborted();
    const encoded = await encodeOutput(rendered.image, job.output);
    progress(0.95);
    const report: RenderReportDocument = {
      format: 1,
      engine: engineLabel(engine),
      image: { width: rendered.image.width, height: rendered.image.height, format: job.output.format, bytes: encoded.length },
      workingSize: { ...rendered.report.workingSize },
      calibration: rendered.report.calibration,
      regions: rendered.report.regions.map((r) => ({
        id: r.id,
        area: r.area,
        edited: r.edited,
        asShot: { ...r.asShot },
        target: { ...r.target },
        achieved: { ...r.achieved },
        clipped: { ...r.clipped },
      })),
    };
    await this.options.store.put(job.outputKey, encoded, contentTypeOf(job.output.format));
    // From the rendered pixels (whatever the output format); before the report, which marks the round complete.
    const preview = job.previewKey ? await this.writePreview(job.previewKey, rendered.image) : undefined;
    await this.options.store.put(job.reportKey, Buffer.from(JSON.stringify(report)), 'application/json');
    this.options.log?.({ event: 'round.written', tenantId: job.tenantId, jobId: job.jobId, round: job.round, outputKey: job.outputKey, bytes: encoded.length });
    progress(1);
    return resultOf(job, report, false, preview);
  }

  /** The result of a round whose image and report are both stored (a valid report only: a broken one is rewritten). */
  private async completedRound(job: RenderJob): Promise<RenderResult | undefined> {
    const { store } = this.options;
    if (!(await store.exists(job.outputKey))) return undefined;
    let text: Buffer;
    try {
      text = await store.get(job.reportKey);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
    let parsed;
    try {
      parsed = RenderReportDocumentSchema.safeParse(JSON.parse(text.toString('utf8')));
    } catch {
      return undefined;
    }
    if (!parsed.success) return undefined;
    const preview = job.previewKey ? await this.storedPreview(job.previewKey, job.outputKey, parsed.data) : undefined;
    return resultOf(job, parsed.data, true, preview);
  }

  private async writePreview(key: string, image: RgbImage): Promise<Preview> {
    const { bytes, width, height } = await encodePreview(image);
    await this.options.store.put(key, bytes, 'image/jpeg');
    return { key, width, height };
  }

  /**
   * A complete round's preview: the stored one (its size follows from the report's image
   * size), or — for a round written by a worker that made none, or for a job that did not
   * ask for one the first time — one made now from the stored output.
   */
  private async storedPreview(key: string, outputKey: string, report: RenderReportDocument): Promise<Preview> {
    if (await this.options.store.exists(key)) return { key, ...previewSize(report.image.width, report.image.height) };
    const output = await this.read(outputKey, () => new RenderJobError('image_not_found', `no round output at ${JSON.stringify(outputKey)}`));
    return this.writePreview(key, await decodeOriginal(output, this.options.maxPixels));
  }

  /** The original and its segmentation; without a label raster the whole image is region 0. */
  private async load(imageKey: string, labelsKey: string | undefined): Promise<{ image: RgbImage; segmentation: Segmentation }> {
    const bytes = await this.read(imageKey, () => new RenderJobError('image_not_found', `no image at ${JSON.stringify(imageKey)}`));
    if (labelsKey === undefined) {
      const image = await decodeOriginal(bytes, this.options.maxPixels);
      return { image, segmentation: { width: image.width, height: image.height, labels: new Uint8Array(image.width * image.height) } };
    }
    const labelBytes = await this.read(labelsKey, () => new RenderJobError('segmentation_failed', `no label raster at ${JSON.stringify(labelsKey)}`));
    const image = await decodeOriginal(bytes, this.options.maxPixels);
    const segmentation = await decodeLabels(labelBytes, this.options.maxPixels);
    try {
      assertSameAspect(image, segmentation);
    } catch (error) {
      throw new RenderJobError('segmentation_failed', (error as Error).message);
    }
    return { image, segmentation };
  }

  private async read(key: string, missing: () => RenderJobError): Promise<Buffer> {
    try {
      return await this.options.store.get(key);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw missing();
      throw error;
    }
  }
}

function resultOf(job: RenderJob, report: RenderReportDocument, reused: boolean, preview: Preview | undefined): RenderResult {
  return {
    outputKey: job.outputKey,
    reportKey: job.reportKey,
    width: report.image.width,
    height: report.image.height,
    bytes: report.image.bytes,
    format: report.image.format,
    reused,
    engine: report.engine,
    ...(preview ? { preview } : {}),
  };
}

/** The segmentation with each group's ids relabelled to the group's first id (RenderJob.regionGroups). */
export function mergeRegions(segmentation: Segmentation, groups: readonly (readonly number[])[]): Segmentation {
  const relabel = Uint8Array.from({ length: 256 }, (_, id) => id);
  for (const group of groups) for (const id of group) relabel[id] = group[0];
  const labels = new Uint8Array(segmentation.labels.length);
  for (let i = 0; i < labels.length; i++) labels[i] = relabel[segmentation.labels[i]];
  return { width: segmentation.width, height: segmentation.height, labels };
}

/** A job may only read and write inside its own tenant's prefix (design.md §7). */
function checkKeys(tenantId: string, keys: Readonly<Record<string, string>>): void {
  for (const [name, key] of Object.entries(keys)) {
    if (!isTenantKey(tenantId, key)) throw new RenderJobError('invalid_payload', `${name} must be a clean key under tenants/${tenantId}/ (got ${JSON.stringify(key.slice(0, 200))})`);
  }
}
