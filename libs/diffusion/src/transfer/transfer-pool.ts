/**
 * The full-resolution transfer on worker threads: the image goes once into shared memory,
 * each thread slices the grid onto its strip of rows (applyColourGrid's y0..y1), the result
 * comes back as an ordinary image. Below `minPixels`, or with one thread, it runs inline.
 * Threads start with the pool and are reused for every job; close() ends them (until then
 * they keep the process alive).
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RgbImage } from '@pertouch/imaging';
import { applyColourGrid } from './apply-grid.js';
import type { ColourGrid } from './colour-grid.js';

/** The compiled worker entry (also when this module runs from its TypeScript sources under a test runner). */
const WORKER_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'transfer', 'transfer-worker.js');

/** Below this many pixels a thread costs more to wake than it saves. */
export const PARALLEL_TRANSFER_MIN_PIXELS = 2_000_000;

/** One strip's work, as posted to a worker. */
export interface StripTask {
  readonly id: number;
  readonly grid: ColourGrid;
  readonly width: number;
  readonly height: number;
  readonly bits: 8 | 16;
  readonly input: SharedArrayBuffer;
  readonly output: SharedArrayBuffer;
  readonly y0: number;
  readonly y1: number;
}

export class TransferPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private closed = false;

  private constructor(
    readonly threads: number,
    private readonly minPixels: number,
  ) {
    if (threads <= 1) return;
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_FILE);
      worker.on('message', (m: { id: number; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(`transfer worker: ${m.error}`));
        else p.resolve();
      });
      worker.on('error', (e) => this.failAll(e));
      this.workers.push(worker);
    }
  }

  /** A pool of `threads` workers (default one per CPU). */
  static create(threads = availableParallelism(), minPixels = PARALLEL_TRANSFER_MIN_PIXELS): TransferPool {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer (got ${threads})`);
    return new TransferPool(threads, minPixels);
  }

  /** How many threads an image of this size is applied on (1: inline). */
  threadsFor(width: number, height: number): number {
    return this.workers.length === 0 || width * height < this.minPixels ? 1 : Math.min(this.workers.length, height);
  }

  /** applyColourGrid(grid, image), on the pool's threads when the image is large enough. */
  async apply(grid: ColourGrid, image: RgbImage): Promise<RgbImage> {
    if (this.closed) throw new Error('TransferPool is closed');
    if (this.threadsFor(image.width, image.height) === 1) return applyColourGrid(grid, image);
    const bits = image.data instanceof Uint16Array ? 16 : 8;
    const bytes = image.data.byteLength;
    const input = new SharedArrayBuffer(bytes);
    new Uint8Array(input).set(new Uint8Array(image.data.buffer, image.data.byteOffset, bytes));
    const output = new SharedArrayBuffer(bytes);
    const n = this.threadsFor(image.width, image.height);
    await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const y0 = Math.floor((i * image.height) / n), y1 = Math.floor(((i + 1) * image.height) / n);
        return new Promise<void>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          const task: StripTask = { id, grid, width: image.width, height: image.height, bits, input, output, y0, y1 };
          this.workers[i].postMessage(task);
        });
      }),
    );
    // Back into ordinary memory: callers (encoders, Buffers) need not know about shared buffers.
    const data = bits === 16 ? new Uint16Array(image.data.length) : new Uint8Array(image.data.length);
    new Uint8Array(data.buffer).set(new Uint8Array(output));
    return { width: image.width, height: image.height, data };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error('TransferPool closed'));
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
