/**
 * The OpenAPI 3.1 document, generated from the contracts' zod schemas with zod 4's
 * z.toJSONSchema (JSON Schema 2020-12 is OpenAPI 3.1's dialect): the schemas that
 * validate requests are the schemas that document them. The route table below is the
 * API's index; a test checks it against the routes Nest actually serves.
 */
import {
  API_ERROR_CODES,
  BatchSchema,
  CreateBatchSchema,
  CreateJobSchema,
  CreateWebhookEndpointSchema,
  FeedbackResultSchema,
  FeedbackSchema,
  FollowUpSchema,
  ForgetMemoryResultSchema,
  ImageSchema,
  INPUT_FORMATS,
  JobEventSchema,
  JobSchema,
  PROBLEM_TYPE_BASE,
  ProblemDocumentSchema,
  WebhookDeliveryListQuerySchema,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
} from '@pertouch/contracts';
import type { ApiKeyScope } from '@pertouch/db';
import type { z } from 'zod';

type JsonSchema = Record<string, unknown>;
type Method = 'get' | 'post' | 'delete';

interface ResponseSpec {
  readonly description: string;
  /** A component name, or an inline schema. */
  readonly schema?: string | JsonSchema;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, { description: string; schema: JsonSchema }>>;
}

export interface OperationSpec {
  readonly method: Method;
  /** OpenAPI template (`/v1/jobs/{id}`). */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  /** Present on authenticated operations: the API key scope needed. */
  readonly scope?: ApiKeyScope;
  readonly parameters?: readonly JsonSchema[];
  readonly requestBody?: JsonSchema;
  readonly responses: Readonly<Record<string, ResponseSpec>>;
}

/** Named schemas: requests as their input type (before defaults), responses as their output. */
const COMPONENTS: Readonly<Record<string, { schema: z.ZodType; io: 'input' | 'output' }>> = {
  Problem: { schema: ProblemDocumentSchema, io: 'output' },
  Image: { schema: ImageSchema, io: 'output' },
  CreateJobRequest: { schema: CreateJobSchema, io: 'input' },
  Job: { schema: JobSchema, io: 'output' },
  JobEvent: { schema: JobEventSchema, io: 'output' },
  CreateBatchRequest: { schema: CreateBatchSchema, io: 'input' },
  Batch: { schema: BatchSchema, io: 'output' },
  CreateWebhookEndpointRequest: { schema: CreateWebhookEndpointSchema, io: 'input' },
  WebhookEndpoint: { schema: WebhookEndpointSchema, io: 'output' },
  WebhookDelivery: { schema: WebhookDeliverySchema, io: 'output' },
  FollowUpRequest: { schema: FollowUpSchema, io: 'input' },
  FeedbackRequest: { schema: FeedbackSchema, io: 'input' },
  Feedback: { schema: FeedbackResultSchema, io: 'output' },
  ForgetMemoryResult: { schema: ForgetMemoryResultSchema, io: 'output' },
};

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // zod 4's z.toJSONSchema, called as the schema's method (the gateway has no zod of its own).
  const { $schema: _dialect, ...rest } = schema.toJSONSchema({ target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const listOf = (name: string): JsonSchema => ({
  type: 'object',
  required: ['object', 'data'],
  properties: { object: { const: 'list' }, data: { type: 'array', items: ref(name) } },
});
const idParam = (kind: string, prefix: string): JsonSchema => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `The ${kind} id (\`${prefix}_…\`). Ids of other tenants answer 404, like ids that do not exist.`,
  schema: { type: 'string', pattern: `^${prefix}_[0-9a-hjkmnp-tv-z]{26}$` },
});
const jsonBody = (name: string): JsonSchema => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
const rateLimitHeaders = {
  'RateLimit-Limit': { description: "The tenant's requests per minute", schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in the current window', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the window resets', schema: { type: 'integer' } },
};

const HEALTH_SCHEMA: JsonSchema = { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } };
const READY_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['status', 'checks'],
  properties: { status: { const: 'ok' }, checks: { type: 'object', additionalProperties: { enum: ['ok', 'down'] } } },
};

/** Every route the gateway serves. */
export const OPERATIONS: readonly OperationSpec[] = [
  {
    method: 'post',
    path: '/v1/images',
    operationId: 'uploadImage',
    tag: 'Images',
    summary: 'Upload an image',
    description:
      `The raw bytes as the body (any Content-Type), or multipart/form-data with one file field \`file\`. The format is sniffed from the bytes: ${INPUT_FORMATS.join(', ')}. ` +
      'Size limits: PERTOUCH_MAX_UPLOAD_BYTES (413 payload_too_large, enforced while streaming) and PERTOUCH_MAX_PIXELS (413 image_too_large, read from the header before decoding). ' +
      'Width and height are upright (EXIF orientation applied); the original bytes are kept unchanged.',
    scope: 'images:write',
    requestBody: {
      required: true,
      content: {
        'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
        'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
      },
    },
    responses: { '201': { description: 'Stored', schema: 'Image' }, '413': { description: 'Too many bytes or pixels' }, '415': { description: 'Not an accepted image format' } },
  },
  {
    method: 'get',
    path: '/v1/images/{id}',
    operationId: 'getImage',
    tag: 'Images',
    summary: 'Get an image',
    scope: 'images:read',
    parameters: [idParam('image', 'img')],
    responses: { '200': { description: 'The image', schema: 'Image' } },
  },
  {
    method: 'post',
    path: '/v1/jobs',
    operationId: 'createJob',
    tag: 'Jobs',
    summary: 'Create a job',
    description:
      'Retouches one image: exactly one of `map`, `auto` or `instruction`. With an `Idempotency-Key` header, repeating the request returns the same job ' +
      '(`Idempotent-Replayed: true`); the same key with another body is 422 idempotency_key_reused. 429 quota_exceeded past the daily quota.',
    scope: 'jobs:write',
    parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, description: '1–255 visible ASCII characters, unique per intended job', schema: { type: 'string', maxLength: 255 } }],
    requestBody: jsonBody('CreateJobRequest'),
    responses: {
      '202': { description: 'Accepted (queued), or replayed', schema: 'Job', headers: { 'Idempotent-Replayed': { description: '`true` when this answers an earlier request with the same key', schema: { type: 'string' } } } },
      '422': { description: 'Idempotency key reused with another body, or webhook URL forbidden' },
    },
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}',
    operationId: 'getJob',
    tag: 'Jobs',
    summary: 'Get a job',
    description: 'State, stage, progress, rounds (maps and reports), error, and the result link once succeeded.',
    scope: 'jobs:read',
    parameters: [idParam('job', 'job')],
    responses: { '200': { description: 'The job', schema: 'Job' } },
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}/events',
    operationId: 'streamJobEvents',
    tag: 'Jobs',
    summary: 'Stream job events (Server-Sent Events)',
    description:
      'First a `state` event with the current state, then the job\'s events as they happen (event name = `type`, data = JobEvent JSON), a comment line every 15 s, and the stream ends after a terminal state (`done`).',
    scope: 'jobs:read',
    parameters: [idParam('job', 'job')],
    responses: { '200': { description: 'An event stream of JobEvent', contentType: 'text/event-stream', schema: ref('JobEvent') } },
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}/result',
    operationId: 'getJobResult',
    tag: 'Jobs',
    summary: 'Download the result',
    description: 'The retouched image (content type of its format), or a 302 to a presigned URL when the store makes them and PERTOUCH_RESULT_REDIRECT is on. 409 result_not_ready until the job succeeded.',
    scope: 'jobs:read',
    parameters: [idParam('job', 'job')],
    responses: {
      '200': { description: 'The image bytes', contentType: 'image/*', schema: { type: 'string', contentMediaType: 'image/*' } },
      '302': { description: 'Redirect to a presigned download URL', headers: { Location: { description: 'The URL', schema: { type: 'string' } } } },
      '409': { description: 'Not succeeded (yet)' },
    },
  },
  {
    method: 'post',
    path: '/v1/jobs/{id}/cancel',
    operationId: 'cancelJob',
    tag: 'Jobs',
    summary: 'Cancel a job',
    description: 'queued or running → cancelled; 409 job_not_cancellable otherwise.',
    scope: 'jobs:write',
    parameters: [idParam('job', 'job')],
    responses: { '200': { description: 'The cancelled job', schema: 'Job' }, '409': { description: 'Already finished' } },
  },
  {
    method: 'post',
    path: '/v1/jobs/{id}/follow-up',
    operationId: 'followUpJob',
    tag: 'Jobs',
    summary: 'Follow up on a job',
    description:
      'A new job on the parent\'s image, for the parent\'s userId, that starts from the parent\'s result: its edits keep the parent\'s look, and "more", "a bit more", "less", ' +
      '"a bit less" (and "much more", "much less") repeat the parent\'s edits. `output` and `engine` default to the parent\'s. 409 result_not_ready unless the parent succeeded. ' +
      'Idempotency-Key as on POST /v1/jobs.',
    scope: 'jobs:write',
    parameters: [idParam('job', 'job'), { name: 'Idempotency-Key', in: 'header', required: false, description: '1–255 visible ASCII characters, unique per intended job', schema: { type: 'string', maxLength: 255 } }],
    requestBody: jsonBody('FollowUpRequest'),
    responses: { '202': { description: 'Accepted (queued), or replayed', schema: 'Job' }, '409': { description: 'The parent has no result (result_not_ready)' }, '422': { description: 'Idempotency key reused, or webhook URL forbidden' } },
  },
  {
    method: 'post',
    path: '/v1/jobs/{id}/feedback',
    operationId: 'jobFeedback',
    tag: 'Memory',
    summary: 'Accept or reject a job\'s result',
    description:
      'Accepted: the result\'s look — per region label and for the whole image, optionally corrected by `map` (global values first, then regions by a label of this scene or a region id) — ' +
      'is remembered for the job\'s userId with the scene\'s descriptor; weak instructions ("optimize", "the way I usually like") of that user on similar scenes then start from it. ' +
      'A second feedback on the same job replaces the first. Rejected: nothing is stored. 422 user_id_required for a job without userId; 409 result_not_ready unless the job succeeded.',
    scope: 'jobs:write',
    parameters: [idParam('job', 'job')],
    requestBody: jsonBody('FeedbackRequest'),
    responses: { '200': { description: 'What was remembered', schema: 'Feedback' }, '409': { description: 'The job has not succeeded (result_not_ready)' }, '422': { description: 'The job has no userId (user_id_required)' }, '503': { description: 'No scene memory configured' } },
  },
  {
    method: 'delete',
    path: '/v1/users/{userId}/memory',
    operationId: 'forgetUser',
    tag: 'Memory',
    summary: 'Forget a user\'s taste',
    description: 'Removes every scene this tenant\'s user confirmed. A user with nothing remembered answers `deleted: 0`.',
    scope: 'jobs:write',
    parameters: [{ name: 'userId', in: 'path', required: true, description: 'The end-user id the jobs carried (1–128 of [A-Za-z0-9._:@-]); only this tenant\'s user is affected.', schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$' } }],
    responses: { '200': { description: 'How many scenes were removed', schema: 'ForgetMemoryResult' }, '503': { description: 'No scene memory configured' } },
  },
  {
    method: 'post',
    path: '/v1/batches',
    operationId: 'createBatch',
    tag: 'Batches',
    summary: 'Create a batch',
    description: 'One job per image, all with the same edit. Every image must belong to the tenant (404 lists the missing ones). Jobs run under the tenant\'s concurrency limit.',
    scope: 'jobs:write',
    requestBody: jsonBody('CreateBatchRequest'),
    responses: { '202': { description: 'Accepted', schema: 'Batch' } },
  },
  {
    method: 'get',
    path: '/v1/batches/{id}',
    operationId: 'getBatch',
    tag: 'Batches',
    summary: 'Get a batch',
    scope: 'jobs:read',
    parameters: [idParam('batch', 'bat')],
    responses: { '200': { description: 'Counts per state and progress', schema: 'Batch' } },
  },
  {
    method: 'post',
    path: '/v1/webhook-endpoints',
    operationId: 'createWebhookEndpoint',
    tag: 'Webhooks',
    summary: 'Register a webhook endpoint',
    description: 'The signing secret (`whsec_…`, Standard Webhooks) is in this response only. URLs resolving to private addresses are refused (422) unless allowlisted.',
    scope: 'webhooks:manage',
    requestBody: jsonBody('CreateWebhookEndpointRequest'),
    responses: { '201': { description: 'Created, with its secret', schema: 'WebhookEndpoint' }, '422': { description: 'Webhook URL forbidden' } },
  },
  {
    method: 'get',
    path: '/v1/webhook-endpoints',
    operationId: 'listWebhookEndpoints',
    tag: 'Webhooks',
    summary: 'List webhook endpoints',
    scope: 'webhooks:manage',
    responses: { '200': { description: 'The endpoints (without secrets)', schema: listOf('WebhookEndpoint') } },
  },
  {
    method: 'delete',
    path: '/v1/webhook-endpoints/{id}',
    operationId: 'deleteWebhookEndpoint',
    tag: 'Webhooks',
    summary: 'Delete a webhook endpoint',
    scope: 'webhooks:manage',
    parameters: [idParam('webhook endpoint', 'whe')],
    responses: { '204': { description: 'Deleted' } },
  },
  {
    method: 'get',
    path: '/v1/webhook-deliveries',
    operationId: 'listWebhookDeliveries',
    tag: 'Webhooks',
    summary: 'The webhook delivery log',
    scope: 'webhooks:manage',
    parameters: Object.entries((jsonSchemaOf(WebhookDeliveryListQuerySchema, 'input').properties ?? {}) as Record<string, JsonSchema>).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
    responses: { '200': { description: 'Newest first', schema: listOf('WebhookDelivery') } },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    tag: 'Operations',
    summary: 'Liveness: the process is up',
    responses: { '200': { description: 'Up', schema: HEALTH_SCHEMA } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'ready',
    tag: 'Operations',
    summary: 'Readiness: Redis, Postgres and storage reachable',
    responses: { '200': { description: 'Ready', schema: READY_SCHEMA }, '503': { description: 'A dependency is down (problem with `checks`)' } },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    responses: { '200': { description: 'Prometheus text format', contentType: 'text/plain', schema: { type: 'string' } } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tag: 'Operations',
    summary: 'This document',
    responses: { '200': { description: 'OpenAPI 3.1', schema: { type: 'object' } } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    tag: 'Operations',
    summary: 'API reference as a web page',
    responses: { '200': { description: 'HTML', contentType: 'text/html', schema: { type: 'string' } } },
  },
];

function problemResponse(description: string): JsonSchema {
  return { description, content: { 'application/problem+json': { schema: ref('Problem') } } };
}

function responseObject(spec: ResponseSpec, status: string): JsonSchema {
  if (Number(status) >= 400) return problemResponse(spec.description);
  const out: JsonSchema = { description: spec.description };
  if (spec.schema !== undefined) out.content = { [spec.contentType ?? 'application/json']: { schema: typeof spec.schema === 'string' ? ref(spec.schema) : spec.schema } };
  if (spec.headers) out.headers = spec.headers;
  return out;
}

function operationObject(op: OperationSpec): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, spec] of Object.entries(op.responses)) responses[status] = responseObject(spec, status);
  if (op.scope) {
    for (const [status, spec] of Object.entries(op.responses)) if (Number(status) < 300 && typeof responses[status] === 'object') (responses[status] as JsonSchema).headers = { ...rateLimitHeaders, ...spec.headers };
    responses['401'] ??= problemResponse('Missing, unknown or revoked API key (unauthenticated)');
    responses['403'] ??= problemResponse(`The key lacks the ${op.scope} scope (forbidden_scope)`);
    if (/\{\w+\}/.test(op.path) || op.requestBody) responses['404'] ??= problemResponse('No such resource for this tenant (not_found)');
    responses['429'] ??= problemResponse('Rate limit (rate_limited, with Retry-After) or daily quota (quota_exceeded)');
  }
  if (op.requestBody) responses['400'] ??= problemResponse('Invalid body (validation_failed, invalid_json, invalid_image)');
  responses['500'] ??= problemResponse('Unexpected failure (internal_error)');
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.scope ? { security: [{ apiKey: [] }, { bearer: [] }], 'x-required-scope': op.scope } : { security: [] }),
    ...(op.parameters ? { parameters: op.parameters } : {}),
    ...(op.requestBody ? { requestBody: op.requestBody } : {}),
    responses,
  };
}

export function buildOpenApiDocument(options: { readonly serverUrl?: string; readonly version?: string } = {}): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  const schemas = Object.fromEntries(Object.entries(COMPONENTS).map(([name, { schema, io }]) => [name, jsonSchemaOf(schema, io)]));
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'PerTouch API',
      version: options.version ?? '1.0.0',
      description:
        'Region-aware photo retouching. Upload an image, create a job (a parameter map, `auto`, or a plain-language instruction), follow it over Server-Sent Events, fetch the result. ' +
        `Errors are RFC 9457 problem documents (application/problem+json) whose \`type\` is ${PROBLEM_TYPE_BASE}{code}; codes: ${Object.keys(API_ERROR_CODES).join(', ')}.`,
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [...new Set(OPERATIONS.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A key made with `pertouch-admin key create`' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The same key as a Bearer token' },
      },
    },
  };
}
