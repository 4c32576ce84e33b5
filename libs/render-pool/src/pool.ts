import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Task, TaskResult } from './protocol.js';
import { runTask } from './run-task.js';

/** The compiled worker entry (also when this module runs from its TypeScript sources under a test runner). */
const WORKER_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'worker.js');

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

  private constructor(readonly threads: number) {
    if (threads <= 1) return;
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_FILE);
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

  /** Splits [0, height) into one strip of rows per thread. */
  strips(height: number): Array<[number, number]> {
    const n = Math.max(1, Math.min(this.threads, height));
    return Array.from({ length: n }, (_, i) => [Math.floor((i * height) / n), Math.floor(((i + 1) * height) / n)] as [number, number]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error('RenderPool closed'));
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
