import { WebhookPayloadSchema, type WebhookEventType } from '@pertouch/contracts';
import { describe, expect, it } from 'vitest';
import { webhookBody } from './index.js';

describe('webhookBody', () => {
  it('serialises { type, timestamp, data } as the contract defines it', () => {
    const body = webhookBody('job.failed', { jobId: 'job_1', error: { code: 'invalid_image' } }, new Date('2025-06-01T12:00:00Z'));
    expect(JSON.parse(body)).toEqual({ type: 'job.failed', timestamp: '2025-06-01T12:00:00.000Z', data: { jobId: 'job_1', error: { code: 'invalid_image' } } });
    expect(WebhookPayloadSchema.safeParse(JSON.parse(body)).success).toBe(true);
  });

  it('refuses an event type the contract does not list', () => {
    expect(() => webhookBody('job.exploded' as WebhookEventType, {})).toThrow();
  });
});
