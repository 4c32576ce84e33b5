/**
 * Scene-aware taste memory over the API (design.md §6): feedback on a finished job
 * (`POST /v1/jobs/{id}/feedback`), forgetting a user (`DELETE /v1/users/{userId}/memory`),
 * and the per-job scene document the agent writes for the feedback to read.
 */
import { z } from 'zod';
import { tenantPrefix } from '../tenancy.js';
import { JobIdSchema } from './ids.js';
import { ApiParameterMapSchema } from './map.js';
import { SceneFeaturesSchema } from './pipeline.js';

const unit = z.number().finite().min(-1).max(1);
/** Some of the four values of a region or of the whole image, each in [-1, 1]. */
export const ConfirmedValuesSchema = z.strictObject({ colorfulness: unit.optional(), contrast: unit.optional(), temperature: unit.optional(), brightness: unit.optional() });
export type ConfirmedValues = z.infer<typeof ConfirmedValuesSchema>;

/** What a confirmation stores: the values per region label of the scene, and for the whole image. */
export const ConfirmedLookSchema = z.object({
  global: ConfirmedValuesSchema,
  labels: z.record(z.string(), ConfirmedValuesSchema),
});
export type ConfirmedLook = z.infer<typeof ConfirmedLookSchema>;

/**
 * `POST /v1/jobs/{id}/feedback`. `accepted: true` remembers the job's look for its
 * `userId` (the result round's values per label and globally); `map` (optional, only with
 * `accepted: true`) corrects them first, like a map on a job: global values apply to every
 * label, then each region's (by label of this scene, or by region id) replace that
 * label's. `accepted: false` stores nothing.
 */
export const FeedbackSchema = z
  .strictObject({ accepted: z.boolean(), map: ApiParameterMapSchema.optional() })
  .refine((f) => f.accepted || f.map === undefined, { message: 'a map is only taken with accepted: true', path: ['map'] });
export type FeedbackRequest = z.infer<typeof FeedbackSchema>;

export const FeedbackResultSchema = z.object({
  object: z.literal('feedback'),
  jobId: JobIdSchema,
  userId: z.string(),
  accepted: z.boolean(),
  /** True when the look was stored in the user's memory (accepted). */
  remembered: z.boolean(),
  /** What was stored; null on rejection. */
  confirmed: ConfirmedLookSchema.nullable(),
});
export type FeedbackResult = z.infer<typeof FeedbackResultSchema>;

/** `DELETE /v1/users/{userId}/memory`: how many remembered scenes of this user were removed. */
export const ForgetMemoryResultSchema = z.object({
  object: z.literal('user_memory'),
  userId: z.string(),
  deleted: z.number().int().nonnegative(),
});
export type ForgetMemoryResult = z.infer<typeof ForgetMemoryResultSchema>;

/**
 * Written by the agent when a job succeeds, at `jobObjectKeys.scene`: the scene
 * descriptor (from the gpu-worker's analyse), the region table (ids → labels, so a
 * feedback map may name regions by id) and the look of the result round, per label and
 * globally. The gateway's feedback reads it; nothing else does.
 */
export const JobSceneDocumentSchema = z.object({
  format: z.literal(1),
  jobId: JobIdSchema,
  scene: SceneFeaturesSchema,
  regions: z.array(z.object({ id: z.number().int().min(0).max(255), label: z.string() })),
  /** The round whose image is the job's result. */
  round: z.number().int().min(1),
  confirmed: ConfirmedLookSchema,
});
export type JobSceneDocument = z.infer<typeof JobSceneDocumentSchema>;

/** Object keys of a job's own documents, next to its rounds (contracts' objectKeys.round). */
export const jobObjectKeys = {
  /** JobSceneDocumentSchema. */
  scene: (tenantId: string, imageId: string, jobId: string) => `${tenantPrefix(tenantId)}images/${imageId}/jobs/${jobId}/scene.json`,
  /** The agent's plan of an instruction job (its parse, the memory estimate), written once so every delivery plans alike. */
  plan: (tenantId: string, imageId: string, jobId: string) => `${tenantPrefix(tenantId)}images/${imageId}/jobs/${jobId}/plan.json`,
};
