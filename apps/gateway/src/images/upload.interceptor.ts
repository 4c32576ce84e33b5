/**
 * Takes the image out of `POST /v1/images` before the handler runs: either the raw body
 * (any Content-Type — the format is sniffed from the bytes later) or the one file field
 * `file` of a multipart/form-data body (multer, memory storage). Both stop at
 * PERTOUCH_MAX_UPLOAD_BYTES while streaming; a declared Content-Length over the limit is
 * refused before a byte is read.
 */
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import type { GatewaySettings } from '../config.js';
import { problem } from '../http/problem.js';
import type { GatewayRequest } from '../http/request.js';
import { SETTINGS } from '../tokens.js';
import { discardBody, payloadTooLarge, readBodyLimited } from './read-body.js';

/** Room for multipart boundaries and part headers around a file of the maximum size. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

function isMultipart(req: GatewayRequest): boolean {
  return /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');
}

@Injectable()
export class UploadInterceptor implements NestInterceptor {
  private readonly multipart: NestInterceptor;

  constructor(@Inject(SETTINGS) private readonly settings: GatewaySettings) {
    const Multipart = FileInterceptor('file', { limits: { fileSize: settings.maxUploadBytes, files: 1, fields: 8, parts: 10 } });
    this.multipart = new Multipart();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    const max = this.settings.maxUploadBytes;
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (!isMultipart(req)) {
      if (declared > max) {
        await discardBody(req);
        throw payloadTooLarge(max);
      }
      req.upload = await readBodyLimited(req, max);
      return next.handle();
    }
    if (declared > max + MULTIPART_OVERHEAD_BYTES) {
      await discardBody(req);
      throw payloadTooLarge(max);
    }
    return this.multipart.intercept(context, {
      handle: () => {
        if (!req.file) throw problem('validation_failed', 'a multipart upload needs one file field named "file"');
        req.upload = req.file.buffer;
        return next.handle();
      },
    });
  }
}
