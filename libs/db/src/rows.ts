/**
 * Rows as pg returns them (snake_case) and their mapping to the records of ports.ts.
 * pg already gives Dates for timestamptz, parsed JSON for jsonb and arrays for text[];
 * bigint (int8) arrives as a string, since it may exceed 2^53, and becomes a number here
 * (byte counts stay far below that).
 */
import type { JobState, RoundVerdict } from '@pertouch/contracts';
import type {
  ApiKeyRecord,
  ApiKeyScope,
  BatchRecord,
  ImageRecord,
  JobRecord,
  JobRequestData,
  JobRoundRecord,
  TenantRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
} from './ports.js';

const int8 = (value: string | number): number => Number(value);
const nullableInt8 = (value: string | number | null): number | null => (value === null ? null : Number(value));

export interface TenantRow {
  id: string;
  name: string;
  rate_limit_per_minute: number;
  max_running_jobs: number;
  daily_job_quota: number | null;
  webhook_secret: string;
  created_at: Date;
}
export const toTenant = (r: TenantRow): TenantRecord => ({
  id: r.id,
  name: r.name,
  rateLimitPerMinute: r.rate_limit_per_minute,
  maxRunningJobs: r.max_running_jobs,
  dailyJobQuota: r.daily_job_quota,
  webhookSecret: r.webhook_secret,
  createdAt: r.created_at,
});

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}
export const toApiKey = (r: ApiKeyRow): ApiKeyRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes as ApiKeyScope[],
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export interface ImageRow {
  id: string;
  tenant_id: string;
  object_key: string;
  format: string;
  width: number;
  height: number;
  bytes: string;
  sha256: string;
  created_at: Date;
}
export const toImage = (r: ImageRow): ImageRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  objectKey: r.object_key,
  format: r.format,
  width: r.width,
  height: r.height,
  bytes: int8(r.bytes),
  sha256: r.sha256,
  createdAt: r.created_at,
});

export interface JobRow {
  id: string;
  tenant_id: string;
  image_id: string;
  batch_id: string | null;
  user_id: string | null;
  request: JobRequestData;
  state: JobState;
  stage: string;
  progress: number;
  error_code: string | null;
  error_message: string | null;
  result_key: string | null;
  result_format: string | null;
  result_width: number | null;
  result_height: number | null;
  result_bytes: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  webhook_url: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}
export const toJob = (r: JobRow): JobRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  imageId: r.image_id,
  batchId: r.batch_id,
  userId: r.user_id,
  request: r.request,
  state: r.state,
  stage: r.stage,
  progress: r.progress,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  resultKey: r.result_key,
  resultFormat: r.result_format,
  resultWidth: r.result_width,
  resultHeight: r.result_height,
  resultBytes: nullableInt8(r.result_bytes),
  idempotencyKey: r.idempotency_key,
  webhookUrl: r.webhook_url,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  updatedAt: r.updated_at,
});

export interface JobRoundRow {
  job_id: string;
  n: number;
  map: unknown;
  report: unknown;
  image_key: string | null;
  verdict: RoundVerdict | null;
  created_at: Date;
}
export const toJobRound = (r: JobRoundRow): JobRoundRecord => ({
  jobId: r.job_id,
  n: r.n,
  map: r.map,
  report: r.report,
  imageKey: r.image_key,
  verdict: r.verdict,
  createdAt: r.created_at,
});

export interface BatchRow {
  id: string;
  tenant_id: string;
  request: JobRequestData;
  total: number;
  webhook_url: string | null;
  state: 'running' | 'completed';
  created_at: Date;
  completed_at: Date | null;
}
export const toBatch = (r: BatchRow): BatchRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  request: r.request,
  total: r.total,
  webhookUrl: r.webhook_url,
  state: r.state,
  createdAt: r.created_at,
  completedAt: r.completed_at,
});

export interface WebhookEndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  events: string[];
  description: string | null;
  secret: string;
  created_at: Date;
}
export const toWebhookEndpoint = (r: WebhookEndpointRow): WebhookEndpointRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  url: r.url,
  events: r.events,
  description: r.description,
  secret: r.secret,
  createdAt: r.created_at,
});

export interface WebhookDeliveryRow {
  id: string;
  tenant_id: string;
  endpoint_id: string | null;
  url: string;
  event_type: string;
  payload: unknown;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}
export const toWebhookDelivery = (r: WebhookDeliveryRow): WebhookDeliveryRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  endpointId: r.endpoint_id,
  url: r.url,
  eventType: r.event_type,
  payload: r.payload,
  state: r.state,
  attempts: r.attempts,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/**
 * A value for a jsonb parameter. Always stringified here: pg would send a JS array as a
 * Postgres array literal, not JSON. null/undefined become SQL NULL.
 */
export function jsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
