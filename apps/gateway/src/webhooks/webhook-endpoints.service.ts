/** Webhook endpoints of a tenant (the secret is shown once, at creation) and its delivery log. */
import { Inject, Injectable } from '@nestjs/common';
import { WEBHOOK_EVENT_TYPES, newId, type CreateWebhookEndpointRequest, type WebhookDeliveryListQuery, type WebhookDeliveryView } from '@pertouch/contracts';
import type { Database } from '@pertouch/db';
import { generateSecret } from '@pertouch/webhooks';
import { notFound } from '../http/problem.js';
import type { WebhookTargetCheck } from '../ports.js';
import { DATABASE, WEBHOOK_TARGET_CHECK } from '../tokens.js';
import { webhookDeliveryView, webhookEndpointView, type WebhookEndpointView } from '../views.js';


@Injectable()
export class WebhookEndpointsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(WEBHOOK_TARGET_CHECK) private readonly webhookTarget: WebhookTargetCheck,
  ) {}

  async create(tenantId: string, body: CreateWebhookEndpointRequest): Promise<WebhookEndpointView> {
    await this.webhookTarget.check(body.url);
    const endpoint = await this.db.webhookEndpoints.create({
      id: newId('webhookEndpoint'),
      tenantId,
      url: body.url,
      events: [...new Set(body.events ?? WEBHOOK_EVENT_TYPES)],
      description: body.description ?? null,
      secret: generateSecret(),
    });
    return webhookEndpointView(endpoint, true);
  }

  async list(tenantId: string): Promise<WebhookEndpointView[]> {
    return (await this.db.webhookEndpoints.list(tenantId)).map((endpoint) => webhookEndpointView(endpoint));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.db.webhookEndpoints.delete(tenantId, id))) throw notFound('webhook endpoint', id);
  }

  async deliveries(tenantId: string, query: WebhookDeliveryListQuery): Promise<WebhookDeliveryView[]> {
    return (await this.db.webhookDeliveries.list(tenantId, query)).map(webhookDeliveryView);
  }
}
