import type { RenderPlan } from '@pertouch/imaging';

/** An image whose pixels live in shared memory, so every thread reads and writes them in place. */
export interface SharedImage {
  readonly width: number;
  readonly height: number;
  readonly depth: 8 | 16;
  readonly buffer: SharedArrayBuffer;
}

/** Area-average rows [y0, y1) of `src` to width × height. */
export interface DownsampleTask {
  readonly kind: 'downsample';
  readonly src: SharedImage;
  readonly width: number;
  readonly height: number;
  readonly squares: boolean;
  readonly y0: number;
  readonly y1: number;
}

/** Apply `plan` to rows [y0, y1) of `src` into `dst`; with `measure`, also area-average those output rows. */
export interface ApplyTask {
  readonly kind: 'apply';
  readonly plan: RenderPlan;
  readonly src: SharedImage;
  readonly dst: SharedImage;
  readonly measure: { readonly width: number; readonly height: number } | null;
  readonly y0: number;
  readonly y1: number;
}

export type Task = DownsampleTask | ApplyTask;

/** Area sums of a strip (see AreaAccumulator), transferred back to the caller. */
export interface TaskResult {
  readonly sums: Float64Array | null;
  readonly squares: Float64Array | null;
}
