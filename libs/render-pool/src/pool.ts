import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Task, TaskResult } from './protocol.js';
import { runTask } from './run-task.js';

/** The compiled worker entry (also when this module runs from its TypeScript sources under a test runner). */
const WORKER_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'worker.js');

/**
 * Largest image buffer the pool keeps a pre-faulted spare of (64 MiB: 8-bit RGB up to
 * ≈ 22 MP). Larger images get a fresh buffer each time: a spare would hold another
 * copy's worth of memory where memory matters most (see shareBuffer).
 */
export const MAX_SPARE_BYTES = 64 * 1024 * 1024;

/** Recycled buffers kept per size (see recycle): a render's of one size (sums and squares of both passes), for two renders at once. */
const MAX_RECYCLED_PER_SIZE = 8;

/** Starts `count` workers. */
function startWorkers(count: number): Worker[] {
  return Array.from({ length: count }, () => new Worker(WORKER_FILE));
}

interface Pending {
  resolve: (r: TaskResult) => void;
  reject: (e: Error) => void;
}

/**
 * A fixed set of worker threads for the renderer's full-resolution passes. One task per
 * thread per pass; with one thread (or `threads: 1`) tasks run inline on the caller's
 * thread, so the same code path works everywhere.
 */
export class RenderPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;
  /** A buffer whose pages are already mapped, for the next image of its size (see shareBuffer). */
  private spare: SharedArrayBuffer | null = null;
  private spareScheduled = false;
  /** Scratch buffers handed back by finished renders, by size (see recycled). */
  private readonly recycledBySize = new Map<number, SharedArrayBuffer[]>();
  /** Spares are kept for buffers up to this size (a field so that a benchmark can compare with none). */
  spareLimit = MAX_SPARE_BYTES;

  private constructor(readonly threads: number) {
    if (threads <= 1) return;
    for (const worker of startWorkers(threads)) {
      worker.on('message', (m: { id: number; result?: TaskResult; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(`render worker: ${m.error}`));
        else p.resolve(m.result as TaskResult);
      });
      worker.on('error', (e) => this.failAll(e));
      this.workers.push(worker);
    }
  }

  /** A pool of `threads` workers (default: one per available CPU). */
  static create(threads = availableParallelism()): RenderPool {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer (got ${threads})`);
    return new RenderPool(threads);
  }

  /** Runs `tasks` (at most one per thread at a time) and returns their results in order. */
  async run(tasks: readonly Task[]): Promise<TaskResult[]> {
    if (this.closed) throw new Error('RenderPool is closed');
    if (this.workers.length === 0) return tasks.map((t) => runTask(t));
    return Promise.all(
      tasks.map(
        (task, i) =>
          new Promise<TaskResult>((resolve, reject) => {
            const id = this.nextId++;
            this.pending.set(id, { resolve, reject });
            this.workers[i % this.workers.length].postMessage({ id, task });
          }),
      ),
    );
  }

  /**
   * A new shared buffer of `bytes` for an image copied into shared memory (the buffer
   * becomes the caller's: it is never handed out twice). A fresh buffer's pages are
   * mapped on first write — for a 12 MP image ≈ 9 000 page faults, ≈ 17–20 ms of the
   * copy's ≈ 21 ms on the benchmark machine, on the render's critical path. So after
   * each render (`prepareSpare`) the pool maps a spare of the same size while the
   * caller's thread is otherwise idle (typically while sharp encodes the result and
   * decodes the next image), and hands it out here.
   */
  shareBuffer(bytes: number): SharedArrayBuffer {
    const spare = this.spare;
    this.spare = null;
    return spare && spare.byteLength === bytes ? spare : new SharedArrayBuffer(bytes);
  }

  /**
   * Schedules the mapping of a spare buffer of `bytes` (see shareBuffer) after the
   * current task, i.e. once the render that calls it has returned to its caller.
   */
  prepareSpare(bytes: number): void {
    if (this.closed || bytes > this.spareLimit || this.spareScheduled || this.spare?.byteLength === bytes) return;
    this.spareScheduled = true;
    setImmediate(() => {
      this.spareScheduled = false;
      // Not while tasks run (a caller that rendered again at once): the threads need the cores then.
      if (this.closed || this.pending.size > 0 || this.spare?.byteLength === bytes) return;
      const buffer = new SharedArrayBuffer(bytes);
      // One write per page maps it (a read would only map the shared zero page).
      const view = new Uint8Array(buffer);
      for (let i = 0; i < bytes; i += 4096) view[i] = 0;
      this.spare = buffer;
    }).unref();
  }

  /**
   * A shared buffer of `bytes` whose contents are left over from an earlier render
   * (see recycle), or a new zeroed one: for scratch that a render overwrites before it
   * reads it (the passes' area sums). A render takes ≈ 19 MB of them for the 12 MP
   * sunset; allocated anew each time, every page of them was faulted in again on the
   * workers (≈ 4 800 faults, ≈ 2 µs each on the development machines).
   */
  recycled(bytes: number): SharedArrayBuffer {
    return this.recycledBySize.get(bytes)?.pop() ?? new SharedArrayBuffer(bytes);
  }

  /** Hands scratch buffers back for later renders (see recycled); the caller must not use them afterwards. */
  recycle(...buffers: ReadonlyArray<SharedArrayBuffer | null>): void {
    if (this.closed) return;
    for (const b of buffers) {
      if (!b || b.byteLength > this.spareLimit) continue;
      const list = this.recycledBySize.get(b.byteLength) ?? [];
      if (list.length < MAX_RECYCLED_PER_SIZE && !list.includes(b)) list.push(b);
      this.recycledBySize.set(b.byteLength, list);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.spare = null;
    this.recycledBySize.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error('RenderPool closed'));
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
