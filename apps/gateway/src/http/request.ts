/**
 * The request and response as the gateway sees them. Express decorates Node's objects;
 * only the members used here are declared (the repo has no @types/express on purpose:
 * handlers stay on Node's http types).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKeyRecord, TenantRecord } from '@pertouch/db';

/** Who is calling: set by ApiKeyGuard on every /v1 route. */
export interface AuthContext {
  readonly tenant: TenantRecord;
  readonly key: ApiKeyRecord;
}

/** A file multer took from a multipart upload (memory storage). */
export interface UploadedFilePart {
  readonly fieldname: string;
  readonly originalname: string;
  readonly mimetype: string;
  readonly size: number;
  readonly buffer: Buffer;
}

export interface GatewayRequest extends IncomingMessage {
  requestId: string;
  auth?: AuthContext;
  /** Set by UploadInterceptor: the upload's bytes, raw body or multipart `file`. */
  upload?: Buffer;
  file?: UploadedFilePart;
  body?: unknown;
  /** Express: the matched route (its path is the template, e.g. /v1/jobs/:id). */
  route?: { readonly path: string };
  readonly path: string;
  readonly originalUrl: string;
}

export type GatewayResponse = ServerResponse<IncomingMessage>;

export const REQUEST_ID_HEADER = 'x-request-id';
/** What a client-supplied id may look like: a UUID, a ULID, a trace id… never anything that could break a log line or header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-request-id` when it is sane, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Express middleware: every request gets an id, echoed on the response before anything else can answer. */
export function requestIdMiddleware(req: GatewayRequest, res: GatewayResponse, next: () => void): void {
  req.requestId = requestIdOf(req.headers[REQUEST_ID_HEADER]);
  res.setHeader(REQUEST_ID_HEADER, req.requestId);
  next();
}

/** The tenant of an authenticated request (guards ran, so it is there). */
export function authOf(req: GatewayRequest): AuthContext {
  if (!req.auth) throw new Error('internal: route without ApiKeyGuard asked for the tenant');
  return req.auth;
}
