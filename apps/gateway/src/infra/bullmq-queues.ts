/**
 * BullMQ producers on the four queues of the design card: the gateway adds `agent` jobs
 * (and `webhook` deliveries it logs itself), and reads every queue's counts for /metrics.
 */
import { DEFAULT_AGENT_JOB_OPTIONS, DEFAULT_WEBHOOK_JOB_OPTIONS, QUEUE_NAMES, type AgentJob, type QueueName, type WebhookJob } from '@pertouch/contracts';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AgentQueue, QueueStats, WebhookQueue } from '../ports.js';

/** The BullMQ job name of agent jobs (the agent's worker handles every job of its queue). */
export const AGENT_JOB_NAME = 'orchestrate';
export const WEBHOOK_JOB_NAME = 'deliver';

/** BullMQ states a job waits in before a worker takes it (removable without racing a worker). */
const NOT_STARTED = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

export class BullmqQueues implements AgentQueue, QueueStats {
  private readonly queues: Record<QueueName, Queue>;

  /** `connection` is shared, not owned: close() closes the queues, the caller the connection. */
  constructor(connection: Redis, prefix: string) {
    const make = (name: QueueName) => {
      const queue = new Queue(name, { connection, prefix, skipWaitingForReady: true });
      // Connection errors are logged by the connection's owner; without a listener they would be re-thrown.
      queue.on('error', () => {});
      return queue;
    };
    this.queues = {
      agent: make(QUEUE_NAMES.agent),
      segment: make(QUEUE_NAMES.segment),
      render: make(QUEUE_NAMES.render),
      webhook: make(QUEUE_NAMES.webhook),
    };
  }

  async enqueue(jobs: readonly AgentJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queues.agent.addBulk(jobs.map((data) => ({ name: AGENT_JOB_NAME, data, opts: { ...DEFAULT_AGENT_JOB_OPTIONS, jobId: data.jobId } })));
  }

  async removeWaiting(jobId: string): Promise<boolean> {
    const job = await this.queues.agent.getJob(jobId);
    if (!job) return false;
    if (!NOT_STARTED.has(await job.getState())) return false;
    try {
      await job.remove();
      return true;
    } catch {
      // A worker locked it in between: the agent sees the cancelled state and stops.
      return false;
    }
  }

  async enqueueWebhooks(jobs: readonly WebhookJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queues.webhook.addBulk(jobs.map((data) => ({ name: WEBHOOK_JOB_NAME, data, opts: { ...DEFAULT_WEBHOOK_JOB_OPTIONS, jobId: data.deliveryId } })));
  }

  async jobCounts(): Promise<Record<QueueName, Record<string, number>>> {
    const entries = await Promise.all(
      (Object.keys(this.queues) as QueueName[]).map(async (name) => [name, await this.queues[name].getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')] as const),
    );
    return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
  }

  /** The WebhookQueue view of this object (one class, two ports with an `enqueue` each). */
  get webhookQueue(): WebhookQueue {
    return { enqueue: (jobs) => this.enqueueWebhooks(jobs) };
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((queue) => queue.close()));
  }
}
