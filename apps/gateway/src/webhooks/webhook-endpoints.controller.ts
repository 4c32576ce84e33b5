import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { CreateWebhookEndpointSchema, WebhookDeliveryListQuerySchema, type CreateWebhookEndpointRequest, type WebhookDeliveryView } from '@pertouch/contracts';
import { ApiKeyGuard, RequireScope } from '../auth/api-key.guard.js';
import { problem } from '../http/problem.js';
import { authOf, type GatewayRequest } from '../http/request.js';
import { WebhookEndpointIdPipe } from '../http/id-pipes.js';
import { ZodBodyPipe, fieldErrors } from '../http/zod-body.pipe.js';
import { list } from '../views.js';
import type { WebhookEndpointView } from '../views.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class WebhookEndpointsController {
  constructor(@Inject(WebhookEndpointsService) private readonly endpoints: WebhookEndpointsService) {}

  @Post('webhook-endpoints')
  @HttpCode(201)
  @RequireScope('webhooks:manage')
  create(@Req() req: GatewayRequest, @Body(new ZodBodyPipe(CreateWebhookEndpointSchema)) body: CreateWebhookEndpointRequest): Promise<WebhookEndpointView> {
    return this.endpoints.create(authOf(req).tenant.id, body);
  }

  @Get('webhook-endpoints')
  @RequireScope('webhooks:manage')
  async list(@Req() req: GatewayRequest) {
    return list(await this.endpoints.list(authOf(req).tenant.id));
  }

  @Delete('webhook-endpoints/:id')
  @HttpCode(204)
  @RequireScope('webhooks:manage')
  async delete(@Req() req: GatewayRequest, @Param('id', WebhookEndpointIdPipe) id: string): Promise<void> {
    await this.endpoints.delete(authOf(req).tenant.id, id);
  }

  @Get('webhook-deliveries')
  @RequireScope('webhooks:manage')
  async deliveries(@Req() req: GatewayRequest, @Query() query: unknown): Promise<{ object: 'list'; data: WebhookDeliveryView[] }> {
    const parsed = WebhookDeliveryListQuerySchema.safeParse(query);
    if (!parsed.success) throw problem('validation_failed', 'invalid query parameters', { errors: fieldErrors(parsed.error) });
    return list(await this.endpoints.deliveries(authOf(req).tenant.id, parsed.data));
  }
}
