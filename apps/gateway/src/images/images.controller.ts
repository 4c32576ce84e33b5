import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { ImageView } from '@pertouch/contracts';
import { ApiKeyGuard, RequireScope } from '../auth/api-key.guard.js';
import { ImageIdPipe } from '../http/id-pipes.js';
import { authOf, type GatewayRequest, type GatewayResponse } from '../http/request.js';
import { ImagesService } from './images.service.js';
import { UploadInterceptor } from './upload.interceptor.js';

@Controller('v1/images')
@UseGuards(ApiKeyGuard)
export class ImagesController {
  constructor(@Inject(ImagesService) private readonly images: ImagesService) {}

  /** Raw body (any Content-Type) or multipart/form-data with one `file` field. */
  @Post()
  @HttpCode(201)
  @RequireScope('images:write')
  @UseInterceptors(UploadInterceptor)
  async upload(@Req() req: GatewayRequest, @Res({ passthrough: true }) res: GatewayResponse): Promise<ImageView> {
    const image = await this.images.upload(authOf(req).tenant.id, req.upload ?? Buffer.alloc(0));
    res.setHeader('location', `/v1/images/${image.id}`);
    return image;
  }

  @Get(':id')
  @RequireScope('images:read')
  get(@Req() req: GatewayRequest, @Param('id', ImageIdPipe) id: string): Promise<ImageView> {
    return this.images.get(authOf(req).tenant.id, id);
  }
}
