/**
 * The `segment` queue: payload, result and the stored segmentation document.
 * Zod schemas are the single definition; the TypeScript types are inferred from them.
 */
import { z } from 'zod';
import type { QueueJobOptions } from './queues.js';
import { TenantIdSchema, isTenantKey } from './tenancy.js';

/** Engines a job may ask for. */
export const SEGMENT_ENGINES = ['embedded', 'sam'] as const;
export const SegmentEngineSchema = z.enum(SEGMENT_ENGINES);
export type SegmentEngine = z.infer<typeof SegmentEngineSchema>;

/** An opaque image id chosen by the producer (a UUID, a ULID…). */
export const ImageIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'imageId must be 1–128 of [A-Za-z0-9._-], starting with a letter or digit');

const coordinate = z.number().finite();

/** Inclusive-exclusive pixel box (x0 ≤ x < x1, y0 ≤ y < y1), like libs/segmentation's Box. */
export const BoxSchema = z
  .object({ x0: coordinate, y0: coordinate, x1: coordinate, y1: coordinate })
  .refine((b) => b.x1 > b.x0 && b.y1 > b.y0, { message: 'box must have x1 > x0 and y1 > y0' });

export const PointPromptSchema = z.object({
  kind: z.literal('point'),
  x: coordinate,
  y: coordinate,
  positive: z.boolean().optional(),
});
export const PointsPromptSchema = z.object({
  kind: z.literal('points'),
  points: z.array(z.object({ x: coordinate, y: coordinate, positive: z.boolean() })).min(1).max(64),
});
export const BoxPromptSchema = z.object({ kind: z.literal('box'), box: BoxSchema });
export const LabelPromptSchema = z.object({ kind: z.literal('label'), word: z.string().trim().min(1).max(64) });

/**
 * What to cut out, in the upright (EXIF-rotated) image's pixel coordinates. Mirrors
 * libs/segmentation's `Prompt`; whether a point lies inside the image is checked by the
 * engine (code `prompt_outside_image`), not here, because only the engine knows the size.
 */
export const PromptSchema = z.discriminatedUnion('kind', [PointPromptSchema, PointsPromptSchema, BoxPromptSchema, LabelPromptSchema]);
export type SegmentPrompt = z.infer<typeof PromptSchema>;

/**
 * A `segment` job. `imageKey` must lie inside the tenant's prefix (`tenants/{tenantId}/…`):
 * a job can never read another tenant's bytes.
 */
export const SegmentJobSchema = z
  .object({
    tenantId: TenantIdSchema,
    imageId: ImageIdSchema,
    imageKey: z.string().min(1).max(1024),
    /** Defaults to the worker's SEGMENTER_ENGINE. */
    engine: SegmentEngineSchema.optional(),
    /** With a prompt the job also produces a mask PNG (maskKey). */
    prompt: PromptSchema.optional(),
    /**
     * With a prompt: also write the automatic segmentation with the mask laid over it as
     * one more region named `label` (the lowest unused id; the mask's pixels leave their
     * old regions) — how an instruction's object found only by a box or a point becomes a
     * region the renderer can edit. The result's `merged` names the outputs.
     */
    merge: z
      .object({
        label: z.string().trim().min(1).max(64),
        /**
         * The region table to lay the mask over: a `merged.segmentationKey` of an earlier job
         * on the same image (several objects, one after the other); default the automatic one.
         */
        onto: z.string().min(1).max(1024).optional(),
      })
      .optional(),
  })
  .superRefine((job, ctx) => {
    if (job.merge && !job.prompt) ctx.addIssue({ code: 'custom', path: ['merge'], message: 'merge needs a prompt' });
    if (job.merge?.onto !== undefined && !isTenantKey(job.tenantId, job.merge.onto)) ctx.addIssue({ code: 'custom', path: ['merge', 'onto'], message: `merge.onto must be a clean key under tenants/${job.tenantId}/` });
    if (!isTenantKey(job.tenantId, job.imageKey)) {
      ctx.addIssue({
        code: 'custom',
        path: ['imageKey'],
        message: `imageKey must be a clean key under tenants/${job.tenantId}/ (got ${JSON.stringify(job.imageKey.slice(0, 200))})`,
      });
    }
  });
export type SegmentJob = z.infer<typeof SegmentJobSchema>;

const ObjectKeySchema = z.string().min(1).max(1024);

/** What a completed `segment` job returns (BullMQ `returnvalue`). */
export const SegmentResultSchema = z.object({
  /** The JSON region table (SegmentationDocumentSchema). */
  segmentationKey: ObjectKeySchema,
  /** The label raster: 8-bit greyscale PNG, pixel value = region id. */
  labelsKey: ObjectKeySchema,
  /** Prompted jobs only: 8-bit greyscale PNG mask, 0 = outside, 255 = inside. */
  maskKey: ObjectKeySchema.optional(),
  /** Jobs with `merge` only: the label PNG and region table with the mask as region `regionId`. */
  merged: z.object({ labelsKey: ObjectKeySchema, segmentationKey: ObjectKeySchema, regionId: z.number().int().min(0).max(255) }).optional(),
  /** Engine name and version that produced the outputs, e.g. "embedded@1". */
  engine: z.string().min(1),
  /** True when every output already existed (same tenant, same bytes, same engine version). */
  cached: z.boolean(),
  /** sha256 of the image bytes, hex. */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  regionCount: z.number().int().nonnegative(),
});
export type SegmentResult = z.infer<typeof SegmentResultSchema>;

export const RegionSchema = z.object({
  id: z.number().int().min(0).max(255),
  area: z.number().int().nonnegative(),
  bbox: z.object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() }),
  centroid: z.object({ x: z.number(), y: z.number() }),
  label: z.string(),
  confidence: z.number().min(0).max(1),
  engine: z.string(),
});

/** The stored JSON next to the label PNG (at `segmentationKey`). */
export const SegmentationDocumentSchema = z.object({
  /** Document format version. */
  format: z.literal(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Engine name and version, e.g. "embedded@1". */
  engine: z.string().min(1),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  labelsKey: ObjectKeySchema,
  regions: z.array(RegionSchema),
  /** Labels the engine could not produce because an optional model is absent. */
  unavailable: z.array(z.string()),
});
export type SegmentationDocument = z.infer<typeof SegmentationDocumentSchema>;

/**
 * Options every producer of `segment` jobs should pass to `queue.add` (BullMQ JobsOptions):
 * 3 tries with exponential backoff (1 s, 2 s) for transient failures (S3/Redis hiccups,
 * a crashed worker); bad input fails at once regardless (UnrecoverableError).
 */
export const DEFAULT_SEGMENT_JOB_OPTIONS: QueueJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};
