/**
 * Payloads of the queues between services (design.md §2). Each queue job carries ids
 * and object keys only — state lives in Postgres and bytes in S3 — so a re-delivered job
 * re-reads the truth and every stage is idempotent, keyed by job and round.
 */
import { z } from 'zod';
import { TenantIdSchema } from '../tenancy.js';
import { JobIdSchema } from './ids.js';
import { OutputSchema, RenderEngineSchema } from './jobs.js';
import type { QueueJobOptions } from '../queues.js';

/** The long side of the previews the VLM sees (the original's and each round's). */
export const PREVIEW_LONG_SIDE = 1024;
export const PREVIEW_JPEG_QUALITY = 85;

/** A preview's size: the image scaled to fit PREVIEW_LONG_SIDE (never enlarged), each side ≥ 1. */
export function previewSize(width: number, height: number, longSide = PREVIEW_LONG_SIDE): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** A written preview: where, and its size in pixels (boxes a VLM draws on it are in these pixels). */
export const PreviewSchema = z.object({ key: z.string().min(1).max(1024), width: z.number().int().positive(), height: z.number().int().positive() });
export type Preview = z.infer<typeof PreviewSchema>;

/** Queue `agent`: orchestrate one job (segment → analyse → plan → render → finalize). BullMQ job id = jobId. */
export const AgentJobSchema = z.strictObject({ tenantId: TenantIdSchema, jobId: JobIdSchema });
export type AgentJob = z.infer<typeof AgentJobSchema>;

const Key = z.string().min(1).max(1024);

/**
 * A scene descriptor F(image) (design.md §6; libs/memory's SceneFeatures with the vector
 * as a plain array, for JSON): the extractor's kind, the L2-normalised vector and the
 * scene's region labels. Vectors of different kinds are never compared.
 */
export const SceneFeaturesSchema = z.object({
  kind: z.string().min(1).max(64),
  vector: z.array(z.number()).min(1).max(4096),
  labels: z.array(z.string()).max(256),
});
export type SceneFeaturesData = z.infer<typeof SceneFeaturesSchema>;

const PartialValuesSchema = z.strictObject({ colorfulness: z.number(), contrast: z.number(), temperature: z.number(), brightness: z.number() }).partial();

/**
 * A dense map in the engine's own terms: region id → the attribute values to reach
 * (`values`, absolute), or changes from the region's as-shot value as the renderer
 * measures it on the region it renders (`shifts`; the target is that value + the shift,
 * clamped to [-1, 1]). Shifts make "brighten the sky by 0.1" exact when the caller knows
 * only the as-shot values of the sky's segments, not of the sky rendered as one region.
 * An attribute is in one of the two at most; unset attributes stay as shot.
 */
export const RegionTargetsSchema = z.array(
  z
    .strictObject({ id: z.number().int().min(0).max(255), values: PartialValuesSchema, shifts: PartialValuesSchema.optional() })
    .refine((t) => !t.shifts || Object.keys(t.shifts).every((a) => !(a in t.values)), { message: 'an attribute is either a value or a shift, not both', path: ['shifts'] }),
);

/**
 * Queue `render`, job name `analyse`: the as-shot map of an image under a segmentation.
 * BullMQ job id: pipelineJobIds.analyse (orchestration.ts).
 */
export const AnalyseJobSchema = z.strictObject({
  tenantId: TenantIdSchema,
  jobId: JobIdSchema,
  imageKey: Key,
  /** The segmenter's label PNG (pixel value = region id). */
  labelsKey: Key,
  /**
   * The segmenter's region table (SegmentationDocumentSchema). When given, the result
   * carries `scene`: the scene descriptor of libs/memory, computed here because this is
   * where the image is decoded (the agent never decodes images).
   */
  segmentationKey: Key.optional(),
  /**
   * When given, also write a preview of the upright original there (JPEG, long side ≤
   * PREVIEW_LONG_SIDE, never enlarged) — what the VLM looks at; the result carries `preview`.
   */
  previewKey: Key.optional(),
});
export type AnalyseJob = z.infer<typeof AnalyseJobSchema>;
export const AnalyseResultSchema = z.object({
  width: z.number().int(),
  height: z.number().int(),
  regions: z.array(z.object({ id: z.number().int(), area: z.number(), values: z.record(z.string(), z.number()) })),
  /** The whole image as one region (as-shot values of the photo as a whole). */
  whole: z.record(z.string(), z.number()),
  /** Present when the job named a `segmentationKey`. */
  scene: SceneFeaturesSchema.optional(),
  /** Present when the job named a `previewKey`. */
  preview: PreviewSchema.optional(),
});
export type AnalyseResult = z.infer<typeof AnalyseResultSchema>;

/**
 * Queue `render`, job name `render`: one round. Writes `outputKey` (the image) and
 * `reportKey` (the JSON report) — skipped when both already exist, so a re-delivered
 * round is written once. BullMQ job id: pipelineJobIds.render (orchestration.ts).
 */
export const RenderJobSchema = z.strictObject({
  tenantId: TenantIdSchema,
  jobId: JobIdSchema,
  round: z.number().int().min(1),
  imageKey: Key,
  /** The segmenter's label PNG; absent: the whole image is one region, id 0 (how `auto` renders). */
  labelsKey: Key.optional(),
  /**
   * Regions rendered as one: the pixels of every id of a group take the group's first id
   * (a label that spans several segments, "the rest" of a map). Ids in no group stay apart.
   */
  regionGroups: z.array(z.array(z.number().int().min(0).max(255)).min(1)).max(256).optional(),
  targets: RegionTargetsSchema,
  output: OutputSchema,
  engine: RenderEngineSchema.default('embedded'),
  outputKey: Key,
  reportKey: Key,
  /** When given, also write a preview of the output there (like AnalyseJob's), before the report. */
  previewKey: Key.optional(),
  /**
   * The slice of the job's overall progress this round covers: the renderer publishes
   * `progress` job events from `from` to `to` as it works (per diffusion step), on the
   * job's event channel. Absent: it publishes none.
   */
  progress: z.strictObject({ from: z.number().min(0).max(1), to: z.number().min(0).max(1) }).optional(),
});
export type RenderJob = z.infer<typeof RenderJobSchema>;
export const RenderResultSchema = z.object({
  outputKey: Key,
  reportKey: Key,
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  format: z.string(),
  /** True when the outputs were already there (a re-delivered round). */
  reused: z.boolean(),
  engine: z.string(),
  /** Present when the job named a `previewKey`. */
  preview: PreviewSchema.optional(),
});
export type RenderResult = z.infer<typeof RenderResultSchema>;

/** Queue `webhook`: deliver one logged delivery (state in Postgres). BullMQ job id = deliveryId. */
export const WebhookJobSchema = z.strictObject({ tenantId: TenantIdSchema, deliveryId: z.string().min(1).max(64) });
export type WebhookJob = z.infer<typeof WebhookJobSchema>;

/** Render/analyse hops: 5 tries, 1 s doubling (a killed worker's job is picked up by another). */
export const DEFAULT_RENDER_JOB_OPTIONS: QueueJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};
/** Agent jobs: the orchestrator resumes from Postgres state on a retry. */
export const DEFAULT_AGENT_JOB_OPTIONS: QueueJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};
/** Webhooks: 12 tries, 30 s doubling — the last one about 17 hours after the first. */
export const DEFAULT_WEBHOOK_JOB_OPTIONS: QueueJobOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};
