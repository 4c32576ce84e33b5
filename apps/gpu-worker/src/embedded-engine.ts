import { MapValidationError, TooManyRegionsError, render, type CalibrationTable, type ParameterMap, type RgbImage, type Segmentation } from '@pertouch/imaging';
import { RenderPool, renderParallel } from '@pertouch/render-pool';
import type { EngineRender, EngineRenderOptions, RegionTargets, RenderEngine } from './engine.js';
import { RenderJobError } from './errors.js';

/** Below this many pixels, threads cost more to start than they save (as in the CLI). */
export const PARALLEL_MIN_PIXELS = 2_000_000;

export interface EmbeddedEngineOptions {
  readonly table: CalibrationTable;
  /** Threads for the full-resolution passes of large images; 1 renders on the calling thread. */
  readonly threads: number;
}

/**
 * The embedded renderer (libs/imaging, design.md §5): calibrated operators solved per
 * region, with the full-resolution passes of large images on a pool of worker threads
 * (libs/render-pool) started on first use and kept for the next jobs.
 */
export class EmbeddedRenderEngine implements RenderEngine {
  readonly name = 'embedded' as const;
  readonly version = '1';
  private pool: RenderPool | undefined;

  constructor(private readonly options: EmbeddedEngineOptions) {}

  async available(): Promise<boolean> {
    return true;
  }

  async render(image: RgbImage, segmentation: Segmentation, targets: RegionTargets, options: EngineRenderOptions = {}): Promise<EngineRender> {
    options.signal?.throwIfAborted();
    const map: ParameterMap = { regions: targets.map((t) => ({ id: t.id, values: { ...t.values } })) };
    try {
      const parallel = this.options.threads > 1 && image.width * image.height >= PARALLEL_MIN_PIXELS;
      const result = parallel
        ? await renderParallel((this.pool ??= RenderPool.create(this.options.threads)), image, segmentation, map, this.options.table)
        : render(image, segmentation, map, this.options.table);
      options.onProgress?.(1);
      return result;
    } catch (error) {
      if (error instanceof MapValidationError) {
        // Region ids are checked against the analysis by the agent, so a region missing
        // here vanished at the working size: too small to measure or edit.
        throw new RenderJobError('invalid_map', error.code === 'unknown_region' ? `${error.message} at the working size (too small to edit)` : error.message);
      }
      if (error instanceof TooManyRegionsError) throw new RenderJobError('invalid_map', error.message);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}
