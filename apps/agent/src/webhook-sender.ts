import type { WebhookJob } from '@pertouch/contracts';
import type { Database, WebhookDeliveryRecord } from '@pertouch/db';
import { WebhookTargetError, checkWebhookTarget, deliverWebhook, signWebhook, type ResolveHost, type WebhookAllowlist } from '@pertouch/webhooks';
import type { Logger } from './log.js';

export interface WebhookSenderOptions {
  readonly db: Database;
  readonly allowlist: WebhookAllowlist;
  readonly timeoutMs: number;
  /** DNS for the SSRF guard; default the system resolver. */
  readonly resolve?: ResolveHost;
  readonly log?: Logger;
}

export interface AttemptInfo {
  /** 1-based. */
  readonly attempt: number;
  /** No retry follows a failure of this attempt. */
  readonly final: boolean;
}

export type SendOutcome = 'delivered' | 'skipped' | 'refused';

/** A delivery attempt that failed and is worth retrying (BullMQ backs off). */
export class DeliveryAttemptFailed extends Error {
  override readonly name = 'DeliveryAttemptFailed';
}

/**
 * Sends one logged webhook delivery: re-checks the SSRF guard (DNS may have changed since
 * the URL was accepted), signs the stored payload the Standard Webhooks way with
 * `webhook-id` = delivery id (the same on every retry, so receivers de-duplicate), POSTs
 * it to the vetted address and logs the attempt. A non-2xx answer or a network error
 * throws DeliveryAttemptFailed so the queue retries; the last attempt marks the delivery
 * failed. A URL the guard refuses is failed at once (`refused`).
 */
export class WebhookSender {
  constructor(private readonly options: WebhookSenderOptions) {}

  async send(job: WebhookJob, info: AttemptInfo): Promise<SendOutcome> {
    const { db } = this.options;
    const log = this.options.log ?? (() => {});
    const delivery = await db.webhookDeliveries.get(job.tenantId, job.deliveryId);
    if (!delivery || delivery.state !== 'pending') return 'skipped';
    const record = (status: number | null, error: string | null, delivered: boolean, final: boolean) =>
      db.webhookDeliveries.recordAttempt(job.tenantId, delivery.id, { status, error, delivered, final });

    const secret = await this.secretOf(delivery);
    if (secret === undefined) {
      await record(null, 'the webhook endpoint was deleted', false, true);
      log({ event: 'webhook.dropped', deliveryId: delivery.id, tenantId: delivery.tenantId, reason: 'endpoint_deleted' });
      return 'refused';
    }

    let target;
    try {
      target = await checkWebhookTarget(delivery.url, { allowlist: this.options.allowlist, resolve: this.options.resolve });
    } catch (error) {
      if (!(error instanceof WebhookTargetError)) throw error;
      // A name that does not resolve may come back; a private address or a bad URL will not.
      const final = error.reason !== 'dns_failed' || info.final;
      await record(null, error.message, false, final);
      log({ event: 'webhook.attempt', deliveryId: delivery.id, tenantId: delivery.tenantId, attempt: info.attempt, ok: false, error: error.detail, final });
      if (error.reason !== 'dns_failed') return 'refused';
      throw new DeliveryAttemptFailed(error.message);
    }

    const body = JSON.stringify(delivery.payload);
    const headers = signWebhook({ id: delivery.id, body, secret });
    const result = await deliverWebhook({ url: target.url, body, headers, timeoutMs: this.options.timeoutMs, pinnedAddress: target.addresses[0] });
    const final = !result.ok && info.final;
    await record(result.status, result.error ?? null, result.ok, final);
    log({
      event: 'webhook.attempt',
      deliveryId: delivery.id,
      tenantId: delivery.tenantId,
      eventType: delivery.eventType,
      attempt: info.attempt,
      ok: result.ok,
      status: result.status,
      ms: result.durationMs,
      ...(result.ok ? {} : { error: result.error, final }),
    });
    if (!result.ok) throw new DeliveryAttemptFailed(`webhook ${delivery.id}: ${result.error ?? 'failed'}`);
    return 'delivered';
  }

  /**
   * The signing secret: the endpoint's, or the tenant's for a job's or batch's own
   * webhookUrl. Deleting an endpoint nulls its deliveries' endpoint id, so a delivery
   * without one whose URL is not its subject's own webhookUrl was an endpoint's: undefined.
   */
  private async secretOf(delivery: WebhookDeliveryRecord): Promise<string | undefined> {
    const { db } = this.options;
    if (delivery.endpointId !== null) return (await db.webhookEndpoints.get(delivery.tenantId, delivery.endpointId))?.secret;
    const subject = ((delivery.payload as { data?: { id?: unknown } } | null)?.data?.id ?? '') as string;
    const owner = subject.startsWith('bat_') ? await db.batches.get(delivery.tenantId, subject) : await db.jobs.get(delivery.tenantId, subject);
    if (owner?.webhookUrl !== delivery.url) return undefined;
    return (await db.tenants.get(delivery.tenantId))?.webhookSecret;
  }
}
