/** Batches: one job per image, fanned out with bounded concurrency per tenant. */
import { z } from 'zod';
import { BatchIdSchema, PublicImageIdSchema } from './ids.js';
import { EditSpecSchema } from './jobs.js';

export const MAX_BATCH_IMAGES = 1000;

export const CreateBatchSchema = EditSpecSchema.extend({
  imageIds: z.array(PublicImageIdSchema).min(1).max(MAX_BATCH_IMAGES),
}).refine((b) => [b.map, b.auto, b.instruction].filter((v) => v !== undefined).length === 1, 'give exactly one of map, auto or instruction');
export type CreateBatchRequest = z.infer<typeof CreateBatchSchema>;

export const BatchSchema = z.object({
  id: BatchIdSchema,
  object: z.literal('batch'),
  state: z.enum(['running', 'completed']),
  total: z.number().int(),
  counts: z.object({ queued: z.number().int(), running: z.number().int(), succeeded: z.number().int(), failed: z.number().int(), cancelled: z.number().int() }),
  /** Finished jobs / total. */
  progress: z.number().min(0).max(1),
  jobIds: z.array(z.string()),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});
export type BatchView = z.infer<typeof BatchSchema>;
