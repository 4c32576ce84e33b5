/** Test support: a gpu-worker on a test queue prefix with the render queue beside it, ready, and their shutdown. */
import { QUEUE_NAMES } from '@pertouch/contracts';
import { Queue } from 'bullmq';
import { startGpuWorker, type GpuWorker, type StartOptions } from '../app.js';
import type { GpuWorkerConfig } from '../config.js';

export interface WorkerOnQueue {
  readonly app: GpuWorker;
  /** The render queue on the config's prefix (jobs are added here). */
  readonly queue: Queue;
  /** Stops the worker and empties and closes the queue. */
  close(): Promise<void>;
}

export async function startWorkerOnQueue(config: GpuWorkerConfig, options: StartOptions): Promise<WorkerOnQueue> {
  const app = startGpuWorker(config, options);
  const queue = new Queue(QUEUE_NAMES.render, { connection: { url: config.redisUrl }, prefix: config.queuePrefix });
  await app.worker.waitUntilReady();
  return {
    app,
    queue,
    async close() {
      await app.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}
