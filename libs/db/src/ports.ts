/**
 * The repositories of PerTouch's durable state, as ports: services depend on these
 * interfaces only; `createDatabase` gives the Postgres implementations. Every read and
 * write of tenant-owned rows takes the tenant id, so one tenant can never reach another's
 * rows, whatever id it guesses (callers answer 404 on `undefined`).
 */
import type { JobState, RoundVerdict } from '@pertouch/contracts';

export interface TenantRecord {
  readonly id: string;
  readonly name: string;
  /** Requests per minute per API key's tenant (gateway rate limit). */
  readonly rateLimitPerMinute: number;
  /** Jobs of this tenant in state `running` at once (batches fan out under it). */
  readonly maxRunningJobs: number;
  /** Jobs created per UTC day; null = unlimited. */
  readonly dailyJobQuota: number | null;
  /** `whsec_…`: signs webhooks sent to per-job/per-batch `webhookUrl`s. */
  readonly webhookSecret: string;
  readonly createdAt: Date;
}

export interface NewTenant {
  readonly id: string;
  readonly name: string;
  readonly rateLimitPerMinute?: number;
  readonly maxRunningJobs?: number;
  readonly dailyJobQuota?: number | null;
  readonly webhookSecret: string;
}

export const API_KEY_SCOPES = ['images:write', 'images:read', 'jobs:write', 'jobs:read', 'webhooks:manage'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeyRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** The first characters of the key, for people to recognise it (`pt_live_ab12…`). */
  readonly prefix: string;
  readonly scopes: readonly ApiKeyScope[];
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface NewApiKey {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly prefix: string;
  /** SHA-256 of the whole key, lower-case hex; the key itself is never stored. */
  readonly keyHash: string;
  readonly scopes: readonly ApiKeyScope[];
}

export interface ImageRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly objectKey: string;
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly createdAt: Date;
}
export type NewImage = Omit<ImageRecord, 'createdAt'>;

/** The edit a job was created with (CreateJobRequest minus imageId), stored as JSON. */
export type JobRequestData = Readonly<Record<string, unknown>>;

export interface JobRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly imageId: string;
  readonly batchId: string | null;
  readonly userId: string | null;
  readonly request: JobRequestData;
  readonly state: JobState;
  readonly stage: string;
  readonly progress: number;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly resultKey: string | null;
  readonly resultFormat: string | null;
  readonly resultWidth: number | null;
  readonly resultHeight: number | null;
  readonly resultBytes: number | null;
  readonly idempotencyKey: string | null;
  readonly webhookUrl: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly updatedAt: Date;
}

export interface NewJob {
  readonly id: string;
  readonly tenantId: string;
  readonly imageId: string;
  readonly batchId?: string | null;
  readonly userId?: string | null;
  readonly request: JobRequestData;
  readonly webhookUrl?: string | null;
  /** With `requestHash`: a second create with the same key returns the first job. */
  readonly idempotencyKey?: string | null;
  /** SHA-256 of the canonical request body; a reused key with another body is a conflict. */
  readonly requestHash?: string | null;
}

export interface JobRoundRecord {
  readonly jobId: string;
  readonly n: number;
  readonly map: unknown;
  readonly report: unknown | null;
  readonly imageKey: string | null;
  readonly verdict: RoundVerdict | null;
  readonly createdAt: Date;
}

/** Fields a state transition may set alongside the new state. */
export interface JobPatch {
  readonly stage?: string;
  readonly progress?: number;
  readonly errorCode?: string | null;
  readonly errorMessage?: string | null;
  readonly resultKey?: string | null;
  readonly resultFormat?: string | null;
  readonly resultWidth?: number | null;
  readonly resultHeight?: number | null;
  readonly resultBytes?: number | null;
}

export type CreateJobOutcome =
  | { readonly kind: 'created'; readonly job: JobRecord }
  /** Same idempotency key, same request: the first job, unchanged. */
  | { readonly kind: 'replayed'; readonly job: JobRecord }
  /** Same idempotency key, another request. */
  | { readonly kind: 'conflict'; readonly job: JobRecord };

export type StartJobOutcome =
  | { readonly kind: 'started'; readonly job: JobRecord }
  /** It was already running (a re-delivered agent job): continue from its rounds. */
  | { readonly kind: 'resumed'; readonly job: JobRecord }
  /** The tenant already runs `maxRunning` jobs: try again later. */
  | { readonly kind: 'busy' }
  /** Finished or cancelled meanwhile, or unknown: nothing to do. */
  | { readonly kind: 'gone'; readonly job?: JobRecord };

export interface JobCounts {
  readonly queued: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
}

export interface TenantRepository {
  create(tenant: NewTenant): Promise<TenantRecord>;
  get(id: string): Promise<TenantRecord | undefined>;
  list(): Promise<TenantRecord[]>;
}

export interface ApiKeyRepository {
  create(key: NewApiKey): Promise<ApiKeyRecord>;
  /** The active (not revoked) key with this hash and its tenant; bumps last_used_at at most once a minute. */
  findActiveByHash(keyHash: string): Promise<{ key: ApiKeyRecord; tenant: TenantRecord } | undefined>;
  list(tenantId: string): Promise<ApiKeyRecord[]>;
  revoke(tenantId: string, id: string): Promise<boolean>;
}

export interface ImageRepository {
  create(image: NewImage): Promise<ImageRecord>;
  get(tenantId: string, id: string): Promise<ImageRecord | undefined>;
  /** Ids of these images that exist for the tenant (batch validation). */
  existing(tenantId: string, ids: readonly string[]): Promise<Set<string>>;
}

export interface JobRepository {
  create(job: NewJob): Promise<CreateJobOutcome>;
  get(tenantId: string, id: string): Promise<JobRecord | undefined>;
  /**
   * queued → running when the tenant runs fewer than `maxRunning` jobs (exact under
   * concurrency: a per-tenant advisory lock); running → resumed.
   */
  start(tenantId: string, id: string, maxRunning: number): Promise<StartJobOutcome>;
  /** Atomic compare-and-set: only from one of `from` (and only along JOB_TRANSITIONS); undefined when the job was elsewhere. */
  transition(tenantId: string, id: string, from: readonly JobState[], to: JobState, patch?: JobPatch): Promise<JobRecord | undefined>;
  /** Stage and progress of a running job; false (and nothing written) when it is not running. */
  setProgress(tenantId: string, id: string, stage: string, progress: number): Promise<boolean>;
  /** Insert or replace round n (idempotent per job and round). */
  saveRound(round: Omit<JobRoundRecord, 'createdAt'>): Promise<JobRoundRecord>;
  /** Rounds in order of n. With `tenantId`, none unless the job is that tenant's (defence in depth for callers that did not load the job first). */
  rounds(jobId: string, tenantId?: string): Promise<JobRoundRecord[]>;
  listByBatch(tenantId: string, batchId: string): Promise<JobRecord[]>;
  countByBatch(tenantId: string, batchId: string): Promise<JobCounts>;
  /** Jobs the tenant created since `since` (daily quota). */
  countCreatedSince(tenantId: string, since: Date): Promise<number>;
  /** Queued jobs of the tenant, oldest first (to re-dispatch after a `busy`). */
  listQueued(tenantId: string, limit: number): Promise<JobRecord[]>;
}

export interface BatchRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly request: JobRequestData;
  readonly total: number;
  readonly webhookUrl: string | null;
  readonly state: 'running' | 'completed';
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

export interface BatchRepository {
  /** The batch and one job per image, in one transaction. */
  create(batch: Omit<BatchRecord, 'state' | 'createdAt' | 'completedAt'>, jobs: readonly NewJob[]): Promise<{ batch: BatchRecord; jobs: JobRecord[] }>;
  get(tenantId: string, id: string): Promise<BatchRecord | undefined>;
  /** running → completed once every job is terminal; true only for the caller that flipped it (send the webhook once). */
  completeIfDone(tenantId: string, id: string): Promise<boolean>;
}

export interface WebhookEndpointRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string | null;
  readonly secret: string;
  readonly createdAt: Date;
}

export interface WebhookEndpointRepository {
  create(endpoint: Omit<WebhookEndpointRecord, 'createdAt'>): Promise<WebhookEndpointRecord>;
  get(tenantId: string, id: string): Promise<WebhookEndpointRecord | undefined>;
  list(tenantId: string): Promise<WebhookEndpointRecord[]>;
  delete(tenantId: string, id: string): Promise<boolean>;
  forEvent(tenantId: string, eventType: string): Promise<WebhookEndpointRecord[]>;
}

export interface WebhookDeliveryRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly endpointId: string | null;
  readonly url: string;
  readonly eventType: string;
  readonly payload: unknown;
  readonly state: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

export interface WebhookDeliveryRepository {
  create(delivery: Pick<WebhookDeliveryRecord, 'id' | 'tenantId' | 'endpointId' | 'url' | 'eventType' | 'payload'>): Promise<WebhookDeliveryRecord>;
  get(tenantId: string, id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** Logs one attempt; `final` marks a failure that will not be retried. */
  recordAttempt(tenantId: string, id: string, attempt: { status: number | null; error: string | null; delivered: boolean; final: boolean }): Promise<WebhookDeliveryRecord>;
  list(tenantId: string, options?: { limit?: number; eventType?: string }): Promise<WebhookDeliveryRecord[]>;
}

/** Everything a service needs from Postgres. */
export interface Database {
  readonly tenants: TenantRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly images: ImageRepository;
  readonly jobs: JobRepository;
  readonly batches: BatchRepository;
  readonly webhookEndpoints: WebhookEndpointRepository;
  readonly webhookDeliveries: WebhookDeliveryRepository;
  /** Readiness: `SELECT 1`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
