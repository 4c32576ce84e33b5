import type { RegionTargets, RenderEngineName } from '@pertouch/contracts';
import type { RenderReport, RgbImage, Segmentation } from '@pertouch/imaging';
import { RenderJobError } from './errors.js';

export type { RegionTargets };

export interface EngineRenderOptions {
  /** Aborted when the job is cancelled or the worker is force-closed; an engine checks it between steps. */
  readonly signal?: AbortSignal;
  /** Fraction of the engine's own work done, 0..1 (the worker maps it onto the job's progress). */
  readonly onProgress?: (fraction: number) => void;
}

export interface EngineRender {
  readonly image: RgbImage;
  /** Per region and attribute: as-shot, target, achieved (measured on `image`), clipped. */
  readonly report: RenderReport;
}

/**
 * The renderer G(X, C) behind one interface (design.md §5): the embedded engine now, an
 * ONNX diffusion engine later. Input problems an engine finds (a target it cannot take)
 * are thrown as RenderJobError; anything else is treated as transient and retried.
 */
export interface RenderEngine {
  /** The name jobs ask for (RenderJob.engine). */
  readonly name: RenderEngineName;
  readonly version: string;
  /** Whether it can render here now (weights present, device usable); asked before each job. */
  available(): Promise<boolean>;
  render(image: RgbImage, segmentation: Segmentation, targets: RegionTargets, options?: EngineRenderOptions): Promise<EngineRender>;
  /** Releases threads, sessions, device memory. */
  close?(): Promise<void>;
}

/** `embedded@1`: what a report and a RenderResult call the engine. */
export function engineLabel(engine: Pick<RenderEngine, 'name' | 'version'>): string {
  return `${engine.name}@${engine.version}`;
}

/**
 * The engines this deployment runs, by name. A job asking for one that is not
 * registered, or not available right now, fails unrecoverably with `engine_unavailable`:
 * retrying on the same deployment would not change the answer.
 */
export class EngineRegistry {
  private readonly engines = new Map<string, RenderEngine>();

  constructor(engines: readonly RenderEngine[]) {
    for (const engine of engines) {
      if (this.engines.has(engine.name)) throw new Error(`two render engines are named ${engine.name}`);
      this.engines.set(engine.name, engine);
    }
  }

  names(): string[] {
    return [...this.engines.keys()];
  }

  async require(name: string): Promise<RenderEngine> {
    const engine = this.engines.get(name);
    if (!engine) {
      throw new RenderJobError('engine_unavailable', `render engine ${JSON.stringify(name)} is not installed in this deployment (installed: ${this.names().join(', ') || 'none'})`);
    }
    if (!(await engine.available())) throw new RenderJobError('engine_unavailable', `render engine ${JSON.stringify(name)} is installed but not available now`);
    return engine;
  }

  async close(): Promise<void> {
    await Promise.all([...this.engines.values()].map((engine) => engine.close?.()));
  }
}
