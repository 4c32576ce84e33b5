import type { QueueJobOptions } from '@pertouch/contracts';
import { WaitingChildrenError, type Job, type Queue } from 'bullmq';

/** One hop of the pipeline: a job on another queue, run as a child of the agent job. */
export interface Hop {
  readonly queue: Queue;
  readonly name: string;
  /** Deterministic BullMQ id (contracts' pipelineJobIds). */
  readonly id: string;
  readonly data: unknown;
  readonly options: QueueJobOptions;
}

export type HopOutcome = { readonly kind: 'completed'; readonly value: unknown } | { readonly kind: 'failed'; readonly reason: string };

/**
 * Durable waiting on hops, BullMQ's "step job" pattern: the agent job adds the hop as
 * its child (`parent` = itself, `ignoreDependencyOnFailure`), moves itself to
 * waiting-children and throws WaitingChildrenError — it holds no worker slot and no lock
 * while the segmenter or the renderer works. When the child finishes (completed, or
 * failed after its retries), BullMQ moves the agent job back to waiting and it runs again
 * from the top: every earlier hop answers at once from the child values Redis keeps on
 * the agent job. A crash anywhere just means running again from the top.
 */
export class Hops {
  private readonly parentKey: string;

  constructor(
    private readonly job: Job,
    private readonly token: string,
  ) {
    this.parentKey = `${job.queueQualifiedName}:${job.id}`;
  }

  /** The hop's outcome; when it has none yet, starts it (once) and throws WaitingChildrenError. */
  async outcome(hop: Hop): Promise<HopOutcome> {
    const key = `${hop.queue.qualifiedName}:${hop.id}`;
    // Two rounds: the second covers a hop that finished between our read and the move.
    for (let round = 0; round < 2; round++) {
      const values = (await this.job.getChildrenValues()) ?? {};
      if (Object.hasOwn(values, key)) return { kind: 'completed', value: values[key] };
      const failures = (await this.job.getIgnoredChildrenFailures()) ?? {};
      if (Object.hasOwn(failures, key)) return { kind: 'failed', reason: String(failures[key]) };
      await this.start(hop);
      if (await this.job.moveToWaitingChildren(this.token)) throw new WaitingChildrenError();
    }
    throw new Error(`hop ${key} is neither finished nor pending`);
  }

  /**
   * Adds the hop unless it exists. An existing child is never added again: if it failed
   * meanwhile, re-adding would list it as pending again and the agent job would wait
   * forever. A leftover of an earlier agent job with the same id (its parent gone) is
   * taken over: BullMQ links a pending or completed job to the new parent; a failed one
   * is removed and added anew.
   */
  private async start(hop: Hop): Promise<void> {
    const existing = await hop.queue.getJob(hop.id);
    if (existing && existing.parentKey === this.parentKey) return;
    if (existing && (await existing.isFailed())) await existing.remove();
    await hop.queue.add(hop.name, hop.data, {
      ...hop.options,
      jobId: hop.id,
      parent: { id: this.job.id!, queue: this.job.queueQualifiedName },
      ignoreDependencyOnFailure: true,
    });
  }
}
