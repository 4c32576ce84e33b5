import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CreateBatchSchema, type BatchView, type CreateBatchRequest } from '@pertouch/contracts';
import { ApiKeyGuard, RequireScope } from '../auth/api-key.guard.js';
import { authOf, type GatewayRequest, type GatewayResponse } from '../http/request.js';
import { BatchIdPipe } from '../http/id-pipes.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { BatchesService } from './batches.service.js';

@Controller('v1/batches')
@UseGuards(ApiKeyGuard)
export class BatchesController {
  constructor(@Inject(BatchesService) private readonly batches: BatchesService) {}

  @Post()
  @HttpCode(202)
  @RequireScope('jobs:write')
  async create(
    @Req() req: GatewayRequest,
    @Res({ passthrough: true }) res: GatewayResponse,
    @Body(new ZodBodyPipe(CreateBatchSchema)) body: CreateBatchRequest,
  ): Promise<BatchView> {
    const batch = await this.batches.create(authOf(req).tenant, body);
    res.setHeader('location', `/v1/batches/${batch.id}`);
    return batch;
  }

  @Get(':id')
  @RequireScope('jobs:read')
  get(@Req() req: GatewayRequest, @Param('id', BatchIdPipe) id: string): Promise<BatchView> {
    return this.batches.get(authOf(req).tenant.id, id);
  }
}
