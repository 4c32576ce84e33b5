import { pipeline } from 'node:stream/promises';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CreateJobSchema, FollowUpSchema, type CreateJobRequest, type FollowUpRequest, type JobView } from '@pertouch/contracts';
import { ApiKeyGuard, RequireScope } from '../auth/api-key.guard.js';
import { authOf, type GatewayRequest, type GatewayResponse } from '../http/request.js';
import { JobIdPipe } from '../http/id-pipes.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, idempotencyKeyOf } from './idempotency.js';
import { JobEventStreams } from './job-event-stream.js';
import { JobsService } from './jobs.service.js';

@Controller('v1/jobs')
@UseGuards(ApiKeyGuard)
export class JobsController {
  constructor(
    @Inject(JobsService) private readonly jobs: JobsService,
    @Inject(JobEventStreams) private readonly streams: JobEventStreams,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireScope('jobs:write')
  async create(
    @Req() req: GatewayRequest,
    @Res({ passthrough: true }) res: GatewayResponse,
    @Body(new ZodBodyPipe(CreateJobSchema)) body: CreateJobRequest,
    @Headers(IDEMPOTENCY_KEY_HEADER) idempotencyKey: string | undefined,
  ): Promise<JobView> {
    const { job, replayed } = await this.jobs.create(authOf(req).tenant, body, idempotencyKeyOf(idempotencyKey));
    res.setHeader('location', `/v1/jobs/${job.id}`);
    if (replayed) res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return job;
  }

  /** A new job on the parent's image that starts from the parent's result ("a bit more"). */
  @Post(':id/follow-up')
  @HttpCode(202)
  @RequireScope('jobs:write')
  async followUp(
    @Req() req: GatewayRequest,
    @Res({ passthrough: true }) res: GatewayResponse,
    @Param('id', JobIdPipe) id: string,
    @Body(new ZodBodyPipe(FollowUpSchema)) body: FollowUpRequest,
    @Headers(IDEMPOTENCY_KEY_HEADER) idempotencyKey: string | undefined,
  ): Promise<JobView> {
    const { job, replayed } = await this.jobs.followUp(authOf(req).tenant, id, body, idempotencyKeyOf(idempotencyKey));
    res.setHeader('location', `/v1/jobs/${job.id}`);
    if (replayed) res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return job;
  }

  @Get(':id')
  @RequireScope('jobs:read')
  get(@Req() req: GatewayRequest, @Param('id', JobIdPipe) id: string): Promise<JobView> {
    return this.jobs.get(authOf(req).tenant.id, id);
  }

  @Get(':id/events')
  @RequireScope('jobs:read')
  events(@Req() req: GatewayRequest, @Res() res: GatewayResponse, @Param('id', JobIdPipe) id: string): Promise<void> {
    return this.streams.serve(authOf(req).tenant.id, id, res);
  }

  @Get(':id/result')
  @RequireScope('jobs:read')
  async result(@Req() req: GatewayRequest, @Res() res: GatewayResponse, @Param('id', JobIdPipe) id: string): Promise<void> {
    const result = await this.jobs.result(authOf(req).tenant.id, id);
    res.setHeader('cache-control', 'private, no-store');
    if (result.kind === 'redirect') {
      res.writeHead(302, { location: result.url });
      res.end();
      return;
    }
    res.writeHead(200, {
      'content-type': result.contentType,
      'content-length': String(result.size),
      'content-disposition': `inline; filename="${result.fileName}"`,
    });
    // A client that goes away mid-download only ends this response.
    await pipeline(result.body, res).catch(() => undefined);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScope('jobs:write')
  cancel(@Req() req: GatewayRequest, @Param('id', JobIdPipe) id: string): Promise<JobView> {
    return this.jobs.cancel(authOf(req).tenant.id, id);
  }
}
