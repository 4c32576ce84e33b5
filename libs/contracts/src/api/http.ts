/**
 * HTTP-level shapes the gateway answers with that are not resources of their own:
 * RFC 9457 problem documents, list envelopes and the webhook delivery log. Defined here
 * (not in the gateway) so the OpenAPI document and any client share one definition.
 */
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from './webhooks.js';

/** RFC 9457 problem details as the API sends them (`application/problem+json`); see ProblemDocument. */
export const ProblemDocumentSchema = z.object({
  /** PROBLEM_TYPE_BASE + code. */
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  /** One of API_ERROR_CODES. */
  code: z.string(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  /** Validation failures, one per offending field (`path` is dotted: `map.regions.0.values`). */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** `{ object: 'list', data: [...] }`, the envelope of every collection. */
export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({ object: z.literal('list'), data: z.array(item) });
}

export const WEBHOOK_DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;

/** One entry of the delivery log (`GET /v1/webhook-deliveries`); the payload is what was (or will be) sent. */
export const WebhookDeliverySchema = z.object({
  id: z.string(),
  object: z.literal('webhook_delivery'),
  /** Null for a per-job or per-batch `webhookUrl`. */
  endpointId: z.string().nullable(),
  url: z.string(),
  eventType: z.enum(WEBHOOK_EVENT_TYPES),
  state: z.enum(WEBHOOK_DELIVERY_STATES),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  payload: z.unknown(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
export type WebhookDeliveryView = z.infer<typeof WebhookDeliverySchema>;

/** Query of `GET /v1/webhook-deliveries`: newest first, at most `limit`, optionally one event type. */
export const WebhookDeliveryListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  eventType: z.enum(WEBHOOK_EVENT_TYPES).optional(),
});
export type WebhookDeliveryListQuery = z.infer<typeof WebhookDeliveryListQuerySchema>;
