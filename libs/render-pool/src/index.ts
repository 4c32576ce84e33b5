/** @pertouch/render-pool — the embedded renderer's full-resolution passes on worker threads. */
export { RenderPool } from './pool.js';
export { planParallel, renderParallel, toShared } from './render-parallel.js';
export type { SharedImage, Task, TaskResult } from './protocol.js';
