/** The gateway's one Nest module: controllers, services, and the ports app.ts provides by token. */
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { BatchesController } from './batches/batches.controller.js';
import { BatchesService } from './batches/batches.service.js';
import { ImagesController } from './images/images.controller.js';
import { ImagesService } from './images/images.service.js';
import { UploadInterceptor } from './images/upload.interceptor.js';
import { JobEventStreams } from './jobs/job-event-stream.js';
import { JobsController } from './jobs/jobs.controller.js';
import { JobsService } from './jobs/jobs.service.js';
import { WebhookNotifier } from './notifications/webhook-notifier.js';
import { MemoryController } from './memory/memory.controller.js';
import { MemoryService } from './memory/memory.service.js';
import { OpsController } from './ops/ops.controller.js';
import { ReadinessService } from './ops/readiness.js';
import { WebhookEndpointsController } from './webhooks/webhook-endpoints.controller.js';
import { WebhookEndpointsService } from './webhooks/webhook-endpoints.service.js';

@Module({})
export class GatewayModule {
  /** `ports`: the value providers of every token in tokens.ts (and GatewayMetrics, OpenStreams). */
  static register(ports: readonly Provider[]): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [OpsController, ImagesController, JobsController, BatchesController, WebhookEndpointsController, MemoryController],
      providers: [
        ...ports,
        ApiKeyGuard,
        UploadInterceptor,
        ImagesService,
        JobsService,
        JobEventStreams,
        BatchesService,
        WebhookEndpointsService,
        MemoryService,
        WebhookNotifier,
        ReadinessService,
      ],
    };
  }
}
