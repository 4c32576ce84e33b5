/**
 * The one place errors become responses: every exception — ApiProblem from a service,
 * Nest's own HttpExceptions (unknown routes, body-parser and multer failures), anything
 * unexpected — leaves as an RFC 9457 problem with a stable code. Unexpected ones are
 * logged with the request id and answered with a bare 500: no message, no stack.
 */
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '../logger.js';
import { ApiProblem, PROBLEM_CONTENT_TYPE, problem, problemDocument } from './problem.js';
import type { GatewayRequest, GatewayResponse } from './request.js';

/** body-parser's error `type`s (carried as the HttpException's cause). */
function bodyParserType(error: HttpException): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return typeof cause === 'object' && cause !== null && typeof (cause as { type?: unknown }).type === 'string' ? (cause as { type: string }).type : undefined;
}

function messageOf(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}

/** Nest / Express / multer exceptions → the API's codes. */
export function fromHttpException(error: HttpException): ApiProblem {
  const status = error.getStatus();
  const parserType = bodyParserType(error);
  if (parserType === 'entity.parse.failed') return problem('invalid_json', 'request body is not valid JSON', { cause: error });
  if (parserType === 'entity.too.large' || status === 413) return problem('payload_too_large', 'request body is too large', { cause: error });
  if (status === 404) return problem('not_found', `no route ${messageOf(error).replace(/^Cannot /, '')}`, { cause: error });
  if (status === 415) return problem('validation_failed', 'unsupported request content type', { cause: error });
  if (status >= 400 && status < 500) return problem('validation_failed', messageOf(error), { cause: error });
  if (status === 503) return problem('service_unavailable', 'the service is shutting down', { cause: error });
  return problem('internal_error', 'internal error', { cause: error });
}

export function toApiProblem(error: unknown): { problem: ApiProblem; unexpected: boolean } {
  if (error instanceof ApiProblem) return { problem: error, unexpected: error.status >= 500 && error.code === 'internal_error' };
  if (error instanceof HttpException) {
    const mapped = fromHttpException(error);
    return { problem: mapped, unexpected: mapped.code === 'internal_error' };
  }
  return { problem: problem('internal_error', 'internal error'), unexpected: true };
}

/** Writes a problem on a response, unless the response has already started (then it can only be cut). */
export function sendProblem(req: GatewayRequest, res: GatewayResponse, error: ApiProblem): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(problemDocument(error, req.requestId, req.originalUrl?.split('?')[0]));
  res.statusCode = error.status;
  for (const [name, value] of Object.entries(error.options.headers ?? {})) res.setHeader(name, value);
  res.setHeader('content-type', PROBLEM_CONTENT_TYPE);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('cache-control', 'no-store');
  res.end(body);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<GatewayRequest>();
    const res = http.getResponse<GatewayResponse>();
    const { problem: mapped, unexpected } = toApiProblem(exception);
    if (unexpected) {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.log({ level: 'error', event: 'request.failed', requestId: req.requestId, method: req.method, path: req.path, error: error.message, stack: error.stack });
    }
    sendProblem(req, res, mapped);
  }
}
