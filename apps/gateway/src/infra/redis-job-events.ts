/**
 * Job events over Redis pub/sub. One subscriber connection serves every SSE stream of
 * this process: channels are subscribed while at least one stream listens, and a
 * pattern subscription over all job channels feeds the job-duration metric.
 */
import { jobEventsChannel, type JobDoneEvent, type JobEvent } from '@pertouch/contracts';
import type { Redis } from 'ioredis';
import type { JobEventBus, Unsubscribe } from '../ports.js';
import { whenReady } from './redis.js';

export class RedisJobEventBus implements JobEventBus {
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  private readonly patternListeners = new Set<(message: string) => void>();
  private patternSubscribed = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly publisher: Redis,
    /** PERTOUCH_QUEUE_PREFIX: channels are `{prefix}:job-events:{jobId}`. */
    private readonly prefix: string,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
    subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => {
      for (const listener of this.patternListeners) listener(message);
    });
  }

  async subscribe(jobId: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    // Down or reconnecting: say so soon instead of waiting on ioredis's retries.
    await whenReady(this.subscriber, 1_000);
    const channel = jobEventsChannel(this.prefix, jobId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(onMessage);
    try {
      // Resolves when Redis confirmed the subscription (also when the channel already was subscribed).
      await this.subscriber.subscribe(channel);
    } catch (error) {
      await this.drop(channel, onMessage);
      throw error;
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      await this.drop(channel, onMessage);
    };
  }

  private async drop(channel: string, listener: (message: string) => void): Promise<void> {
    const set = this.listeners.get(channel);
    if (!set) return;
    set.delete(listener);
    if (set.size > 0) return;
    this.listeners.delete(channel);
    await this.subscriber.unsubscribe(channel).catch(() => undefined);
  }

  /** Every job event of every job (the metrics' feed). ioredis re-subscribes by itself after a reconnect. */
  async onAnyEvent(listener: (message: string) => void): Promise<void> {
    this.patternListeners.add(listener);
    if (this.patternSubscribed) return;
    this.patternSubscribed = true;
    await this.subscriber.psubscribe(jobEventsChannel(this.prefix, '*'));
  }

  async publish(event: JobEvent | JobDoneEvent): Promise<void> {
    await this.publisher.publish(jobEventsChannel(this.prefix, event.jobId), JSON.stringify(event));
  }

  /** Channels with a listener in this process (tests and the shutdown log). */
  get activeChannels(): number {
    return this.listeners.size;
  }
}
