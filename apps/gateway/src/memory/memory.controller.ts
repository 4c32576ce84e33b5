import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { FeedbackSchema, type FeedbackRequest, type FeedbackResult, type ForgetMemoryResult } from '@pertouch/contracts';
import { ApiKeyGuard, RequireScope } from '../auth/api-key.guard.js';
import { JobIdPipe, UserIdPipe } from '../http/id-pipes.js';
import { authOf, type GatewayRequest } from '../http/request.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { MemoryService } from './memory.service.js';

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class MemoryController {
  constructor(@Inject(MemoryService) private readonly memory: MemoryService) {}

  @Post('jobs/:id/feedback')
  @HttpCode(200)
  @RequireScope('jobs:write')
  feedback(@Req() req: GatewayRequest, @Param('id', JobIdPipe) id: string, @Body(new ZodBodyPipe(FeedbackSchema)) body: FeedbackRequest): Promise<FeedbackResult> {
    return this.memory.feedback(authOf(req).tenant.id, id, body);
  }

  @Delete('users/:userId/memory')
  @HttpCode(200)
  @RequireScope('jobs:write')
  forget(@Req() req: GatewayRequest, @Param('userId', UserIdPipe) userId: string): Promise<ForgetMemoryResult> {
    return this.memory.forget(authOf(req).tenant.id, userId);
  }
}
