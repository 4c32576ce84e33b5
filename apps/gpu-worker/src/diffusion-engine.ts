/**
 * The diffusion engine (design.md §5, libs/diffusion): PerTouch's ControlNet renderer on
 * ONNX Runtime — CUDA when present, CPU otherwise — at full resolution.
 *
 * - The pipeline (four ONNX sessions) is loaded once per worker, in the background from
 *   start-up (`preload`), and reused for every job; `available()` waits for that load.
 * - One render at a time: jobs are serialised here whatever GPU_WORKER_CONCURRENCY says
 *   (one GPU, one denoising loop).
 * - A device out-of-memory releases the sessions (libs/diffusion does it) and fails the
 *   attempt with a plain error, so BullMQ retries the job with its backoff; the next
 *   attempt loads the sessions again. The worker keeps running.
 * - Progress: one report per DDIM step (through `onProgress`); the AbortSignal is checked
 *   between steps.
 * - The full-resolution transfer of images ≥ 2 MP runs on `transferThreads` worker threads
 *   (PERTOUCH_THREADS), started on first use and kept.
 * - Targets are resolved against the as-shot values like the embedded engine's (unset
 *   attributes stay as shot), painted into the 4 × 512 × 512 parameter map, and the report
 *   measures `achieved` on the output with the same calibration: the diffusion model only
 *   approximates the targets, and the report says by how much. It never marks a target
 *   `clipped` (there is no solver that could find it out of reach).
 */
import { DiffusionError, DiffusionPipeline, TransferPool, parameterMapRaster, retouch, type LoadModelSetOptions, type PipelineInfo, type RetouchStats } from '@pertouch/diffusion';
import {
  ATTRIBUTES,
  MapValidationError,
  UNCHANGED_EPSILON,
  ZERO_STRENGTHS,
  asShotMap,
  measureAchieved,
  prepareImage,
  resolveMap,
  type CalibrationTable,
  type RegionReport,
  type RenderReport,
  type RgbImage,
  type Segmentation,
} from '@pertouch/imaging';
import type { EngineRender, EngineRenderOptions, RegionTargets, RenderEngine } from './engine.js';
import { RenderJobError } from './errors.js';
import type { Logger } from './worker.js';

export interface DiffusionEngineSettings {
  /** The model-set directory (PERTOUCH_DIFFUSION_DIR). */
  readonly dir: string;
  readonly provider: NonNullable<LoadModelSetOptions['provider']>;
  readonly precision: NonNullable<LoadModelSetOptions['precision']>;
  /** DDIM steps per render (50 as the original; 20 is the fast setting). */
  readonly steps: number;
  /** Noise seed: the same job renders the same image. */
  readonly seed: number;
  /** CPU threads per session; undefined = onnxruntime's default. */
  readonly threads?: number;
  /** Threads for the full-resolution transfer of images ≥ 2 MP (PERTOUCH_THREADS; default 1: inline). */
  readonly transferThreads?: number;
}

/** The part of DiffusionPipeline the engine uses (tests substitute a failing one). */
export type DiffusionRenderer = Pick<DiffusionPipeline, 'info' | 'isReleased' | 'release' | 'denoise'>;

export interface DiffusionEngineOptions extends DiffusionEngineSettings {
  readonly table: CalibrationTable;
  readonly log?: Logger;
  /** How the pipeline is opened (default DiffusionPipeline.load). */
  readonly loadPipeline?: (options: LoadModelSetOptions) => Promise<DiffusionRenderer>;
}

/** What /readyz and the start-up log say about an engine. */
export interface EngineStatus {
  readonly name: string;
  readonly version: string;
  readonly state: 'loading' | 'ready' | 'failed' | 'idle';
  readonly provider?: string;
  readonly precision?: string;
  readonly modelSet?: string;
  readonly steps?: number;
  /** Why CUDA was not used, when it was not. */
  readonly fallbackReason?: string;
  readonly error?: string;
}

type LoadState = { readonly kind: 'idle' } | { readonly kind: 'loading'; readonly promise: Promise<DiffusionRenderer | undefined> } | { readonly kind: 'ready'; readonly pipeline: DiffusionRenderer } | { readonly kind: 'failed'; readonly error: string };

export class DiffusionRenderEngine implements RenderEngine {
  readonly name = 'diffusion' as const;
  readonly version = '1';
  private state: LoadState = { kind: 'idle' };
  /** The render in progress; the next one waits for it. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The transfer's threads, started on the first large image and kept. */
  private transferPool: TransferPool | undefined;
  /** Sessions loaded so far (1 unless an out-of-memory forced a reload). */
  loads = 0;

  constructor(private readonly options: DiffusionEngineOptions) {}

  /** Starts loading the sessions now (start-up), so the first job does not wait for it. */
  preload(): void {
    void this.pipeline();
  }

  async available(): Promise<boolean> {
    return (await this.pipeline()) !== undefined;
  }

  status(): EngineStatus {
    const base = { name: this.name, version: this.version, steps: this.options.steps, modelSet: this.options.dir };
    switch (this.state.kind) {
      case 'ready': {
        const info: PipelineInfo = this.state.pipeline.info;
        return { ...base, state: 'ready', provider: info.provider, precision: info.precision, ...(info.fallbackReason ? { fallbackReason: info.fallbackReason } : {}) };
      }
      case 'failed':
        return { ...base, state: 'failed', error: this.state.error };
      default:
        return { ...base, state: this.state.kind };
    }
  }

  render(image: RgbImage, segmentation: Segmentation, targets: RegionTargets, options: EngineRenderOptions = {}): Promise<EngineRender> {
    const run = this.queue.then(() => this.renderNow(image, segmentation, targets, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    const state = this.state;
    this.state = { kind: 'idle' };
    const pipeline = state.kind === 'ready' ? state.pipeline : state.kind === 'loading' ? await state.promise : undefined;
    await pipeline?.release();
    await this.transferPool?.close();
    this.transferPool = undefined;
  }

  private async renderNow(image: RgbImage, segmentation: Segmentation, targets: RegionTargets, options: EngineRenderOptions): Promise<EngineRender> {
    options.signal?.throwIfAborted();
    const pipeline = await this.pipeline();
    if (!pipeline) throw new RenderJobError('engine_unavailable', `render engine "diffusion" is installed but not available now: ${this.status().error ?? 'not loaded'}`);
    const { table } = this.options;
    const prepared = prepareImage(image, segmentation, table);
    const asShot = asShotMap(prepared);
    let target;
    try {
      target = resolveMap({ regions: targets.map((t) => ({ id: t.id, values: { ...t.values } })) }, asShot);
    } catch (error) {
      if (error instanceof MapValidationError) throw new RenderJobError('invalid_map', error.code === 'unknown_region' ? `${error.message} at the working size (too small to edit)` : error.message);
      throw error;
    }
    let result;
    try {
      result = await retouch(pipeline, image, parameterMapRaster(segmentation, target), {
        steps: this.options.steps,
        seed: this.options.seed,
        signal: options.signal,
        onProgress: options.onProgress,
        transferPool: (this.options.transferThreads ?? 1) > 1 ? (this.transferPool ??= TransferPool.create(this.options.transferThreads)) : undefined,
      });
    } catch (error) {
      if (error instanceof DiffusionError && error.code === 'out_of_memory') {
        // libs/diffusion released the sessions; the retry loads them again.
        this.state = { kind: 'idle' };
        this.options.log?.({ event: 'diffusion.out_of_memory', error: error.message });
        // A plain message (no [code]): a transient failure, retried; after the last attempt it fails as `internal`.
        throw new Error(`device out of memory, the diffusion sessions were released and the job is retried: ${error.message}`, { cause: error });
      }
      throw error;
    }
    this.logRender(result.stats);
    const regions: RegionReport[] = prepared.regions.map((region) => {
      const wanted = target.get(region.id) ?? region.values;
      return {
        id: region.id,
        area: region.area,
        edited: ATTRIBUTES.some((a) => Math.abs(wanted[a] - region.values[a]) >= UNCHANGED_EPSILON),
        asShot: { ...region.values },
        target: { ...wanted },
        achieved: { ...region.values },
        clipped: { colorfulness: false, contrast: false, temperature: false, brightness: false },
        strengths: { ...ZERO_STRENGTHS },
      };
    });
    const report: RenderReport = { workingSize: { width: prepared.work.width, height: prepared.work.height }, calibration: table.version, regions };
    measureAchieved(result.image, prepared, table, report);
    return { image: result.image, report };
  }

  /** The loaded pipeline, loading it if needed; undefined when it cannot be loaded. */
  private async pipeline(): Promise<DiffusionRenderer | undefined> {
    const state = this.state;
    if (state.kind === 'ready' && !state.pipeline.isReleased) return state.pipeline;
    if (state.kind === 'loading') return state.promise;
    if (state.kind === 'failed' || this.closed) return undefined;
    const load = this.options.loadPipeline ?? ((o: LoadModelSetOptions) => DiffusionPipeline.load(o));
    const started = performance.now();
    const promise = load({ dir: this.options.dir, provider: this.options.provider, precision: this.options.precision, threads: this.options.threads }).then(
      (pipeline) => {
        this.loads++;
        this.state = { kind: 'ready', pipeline };
        const { provider, precision, name, fallbackReason } = pipeline.info;
        this.options.log?.({ event: 'diffusion.loaded', modelSet: name, dir: this.options.dir, provider, precision, ms: Math.round(performance.now() - started), ...(fallbackReason ? { fallbackReason } : {}) });
        return pipeline;
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.state = { kind: 'failed', error: message };
        this.options.log?.({ event: 'diffusion.load_failed', dir: this.options.dir, code: error instanceof DiffusionError ? error.code : 'internal', error: message });
        return undefined;
      },
    );
    this.state = { kind: 'loading', promise };
    return promise;
  }

  private logRender(stats: RetouchStats): void {
    const stepMs = stats.stepMs.reduce((a, b) => a + b, 0) / Math.max(1, stats.stepMs.length);
    this.options.log?.({
      event: 'diffusion.rendered',
      provider: stats.provider,
      precision: stats.precision,
      steps: stats.steps,
      stepMs: round(stepMs),
      fitPsnrDb: round(stats.fitPsnrDb),
      transferMs: round(stats.transferMs),
      transferThreads: stats.transferThreads,
      totalMs: round(stats.totalMs),
    });
  }
}

const round = (v: number) => Math.round(v * 100) / 100;
