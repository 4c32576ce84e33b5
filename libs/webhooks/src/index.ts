/**
 * @pertouch/webhooks — outgoing webhooks the Standard Webhooks way (https://www.standardwebhooks.com/):
 * secrets and signatures, the verifier receivers can use, the guard that keeps tenant
 * URLs off private networks, one pinned delivery attempt, and the retry schedule.
 */
export { generateSecret, decodeSecret, SECRET_PREFIX } from './secret.js';
export { WEBHOOK_ID_HEADER, WEBHOOK_TIMESTAMP_HEADER, WEBHOOK_SIGNATURE_HEADER, type WebhookHeaders, type HeaderSource } from './headers.js';
export { signWebhook, type SignWebhookInput } from './sign.js';
export {
  verifyWebhook,
  WebhookVerificationError,
  DEFAULT_TOLERANCE_SECONDS,
  type VerifyWebhookOptions,
  type VerifiedWebhook,
  type WebhookVerificationFailure,
} from './verify.js';
export { webhookBody } from './payload.js';
export {
  checkWebhookTarget,
  resolveWithDns,
  WebhookTargetError,
  type CheckWebhookTargetOptions,
  type ResolveHost,
  type VettedAddress,
  type VettedTarget,
  type WebhookTargetRefusal,
} from './target.js';
export { parseWebhookAllowlist, loadWebhookAllowlist, EMPTY_ALLOWLIST, WEBHOOK_ENV_SCHEMA, type WebhookAllowlist } from './allowlist.js';
export { blockedReason } from './blocked-ranges.js';
export { parseIp, type IpAddress } from './ip-address.js';
export {
  deliverWebhook,
  DEFAULT_DELIVERY_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  WEBHOOK_USER_AGENT,
  type DeliverWebhookInput,
  type DeliveryResult,
} from './deliver.js';
export { retryDelayMs, retrySchedule } from './retry.js';
export { WebhookOutbox, jobEventData, jobEventType, type EnqueueDelivery } from './outbox.js';
