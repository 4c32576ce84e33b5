/** The JSON body of every PerTouch webhook: `{ type, timestamp, data }` (contracts' WebhookPayloadSchema). */
import { WebhookPayloadSchema, type WebhookEventType, type WebhookPayload } from '@pertouch/contracts';

/**
 * Builds and serialises one event. The string returned is what is signed and sent, byte
 * for byte; serialise once and store it, so every retry sends and signs the same body.
 */
export function webhookBody(type: WebhookEventType, data: Record<string, unknown>, at: Date = new Date()): string {
  const payload: WebhookPayload = WebhookPayloadSchema.parse({ type, timestamp: at.toISOString(), data });
  return JSON.stringify(payload);
}
