/**
 * Follow-ups (`POST /v1/jobs/{id}/follow-up`): a new job on the parent's image that starts
 * from the parent's result — its result round's map — so "a bit more" after "brighten
 * the sky a little" brightens the sky a little more, and "now warm up the skin" keeps the
 * brighter sky.
 */
import { z } from 'zod';
import { OutputSchema, RenderEngineSchema, WebhookUrlSchema } from './jobs.js';

export const FollowUpSchema = z.strictObject({
  /** Plain language; besides every instruction a job takes, "more", "a bit more", "less", "a bit less" (and "much more", "much less") repeat the parent's edits. */
  instruction: z.string().trim().min(1).max(1000),
  /** Default: the parent's. */
  output: OutputSchema.optional(),
  /** Default: the parent's. */
  engine: RenderEngineSchema.optional(),
  webhookUrl: WebhookUrlSchema.optional(),
});
export type FollowUpRequest = z.infer<typeof FollowUpSchema>;

/**
 * The field of a follow-up's stored request (`job.request`) that names its parent. The
 * child's imageId and userId are the parent's.
 */
export const PARENT_JOB_FIELD = 'parentJobId';
