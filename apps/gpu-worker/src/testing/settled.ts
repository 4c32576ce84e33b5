/** Test support: a BullMQ job once it completed or failed (its final state read back from the queue). */
import type { Job, Queue } from 'bullmq';

export async function settled(queue: Queue, job: Job, timeoutMs = 30_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return (await queue.getJob(job.id!))!;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${job.id} did not settle in ${timeoutMs} ms`);
}
