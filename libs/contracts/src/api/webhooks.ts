/** Webhook endpoints and events (Standard Webhooks: https://www.standardwebhooks.com/). */
import { z } from 'zod';
import { WebhookEndpointIdSchema } from './ids.js';
import { WebhookUrlSchema } from './jobs.js';

export const WEBHOOK_EVENT_TYPES = ['job.succeeded', 'job.failed', 'job.cancelled', 'batch.completed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const CreateWebhookEndpointSchema = z.strictObject({
  url: WebhookUrlSchema,
  /** Default: every event type. */
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).optional(),
  description: z.string().max(200).optional(),
});
export type CreateWebhookEndpointRequest = z.infer<typeof CreateWebhookEndpointSchema>;

export const WebhookEndpointSchema = z.object({
  id: WebhookEndpointIdSchema,
  object: z.literal('webhook_endpoint'),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  description: z.string().nullable(),
  /** `whsec_…`; returned only when the endpoint is created. */
  secret: z.string().optional(),
  createdAt: z.string(),
});

/** The JSON body of every webhook: Standard Webhooks' `{ type, timestamp, data }`. */
export const WebhookPayloadSchema = z.object({
  type: z.enum(WEBHOOK_EVENT_TYPES),
  timestamp: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;
