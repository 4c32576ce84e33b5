import type { Worker } from 'bullmq';
import type { SegmentResult } from '@pertouch/contracts';
import type { SegmentationEngine } from '@pertouch/segmentation';
import { createObjectStore, type ObjectStore } from '@pertouch/storage';
import type { SegmenterConfig } from './config.js';
import { SegmentService } from './segment-service.js';
import { createSegmentWorker, type Logger } from './worker.js';

export interface Segmenter {
  readonly worker: Worker<unknown, SegmentResult>;
  readonly service: SegmentService;
  /**
   * Graceful stop: no new jobs; active jobs finish (up to `timeoutMs`, default the
   * config's shutdownTimeoutMs, after which the worker is force-closed and those jobs are
   * re-delivered elsewhere once their lock lapses); then connections close.
   */
  close(timeoutMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly engines: Readonly<Record<string, SegmentationEngine>>;
  readonly log?: Logger;
  /** Defaults to the store config.storage names (its connections are closed by close()); a given one is left open. */
  readonly store?: ObjectStore;
}

/** Wires config, object store, engines and the worker; the worker starts taking jobs at once. */
export function startSegmenter(config: SegmenterConfig, options: StartOptions): Segmenter {
  const log = options.log ?? (() => {});
  const owned = options.store ? undefined : createObjectStore(config.storage);
  const store = options.store ?? owned!;
  const service = new SegmentService({ store, engines: options.engines, defaultEngine: config.defaultEngine, maxPixels: config.maxPixels, cache: config.cache });
  const worker = createSegmentWorker({
    connection: { url: config.redisUrl },
    prefix: config.queuePrefix,
    concurrency: config.concurrency,
    lockDurationMs: config.lockDurationMs,
    service,
    log,
  });
  let closing: Promise<void> | undefined;
  const close = (timeoutMs = config.shutdownTimeoutMs) =>
    (closing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([worker.close().then(() => 'closed' as const), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        log({ event: 'worker.shutdown_timeout', timeoutMs });
        await worker.close(true);
      }
      await owned?.close();
    })());
  return { worker, service, close };
}
