/**
 * What the orchestrator (apps/agent) and the renderer (apps/gpu-worker) exchange beyond
 * the queue payloads of pipeline.ts: the BullMQ ids of the pipeline's hops, the stored
 * render report, the `done` job event, and deterministic webhook delivery ids.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { JobEventSchema } from './jobs.js';
import type { RegionTargetsSchema } from './pipeline.js';

/**
 * BullMQ job ids of the hops of one PerTouch job. Deterministic, so a re-delivered agent
 * job finds the hop it already enqueued instead of adding a second one. BullMQ 6 refuses
 * custom ids that contain ':' (it keeps only a legacy 3-part form) or that are integers,
 * so the parts are joined with '-' (PerTouch job ids are `job_…`, never containing '-').
 */
export const pipelineJobIds = {
  segment: (jobId: string) => `segment-${jobId}`,
  analyse: (jobId: string) => `analyse-${jobId}`,
  render: (jobId: string, round: number) => `render-${jobId}-${round}`,
  /** The n-th object an instruction names that only the VLM's box finds: a prompted, merged segmentation. */
  ground: (jobId: string, n: number) => `ground-${jobId}-${n}`,
  /** The as-shot analysis again, under the segmentation with the n-th grounded object merged in. */
  reanalyse: (jobId: string, n: number) => `analyse-${jobId}-${n}`,
};

/** A render job's targets: region id → the attribute values to reach (unset ones stay as shot). */
export type RegionTargets = z.infer<typeof RegionTargetsSchema>;

/** Job names on queue `render`. */
export const RENDER_JOB_NAMES = { analyse: 'analyse', render: 'render' } as const;

const AttributeRecordSchema = z.object({ colorfulness: z.number(), contrast: z.number(), temperature: z.number(), brightness: z.number() });

/**
 * The JSON the renderer writes at a round's `reportKey` (the round's `report` in the
 * API): per region and attribute the as-shot, target and achieved values (achieved is
 * measured on the output) and whether the target was out of reach (`clipped`).
 */
export const RenderReportDocumentSchema = z.object({
  format: z.literal(1),
  /** Engine name and version, e.g. "embedded@1". */
  engine: z.string(),
  /** The written output image. */
  image: z.object({ width: z.number().int().positive(), height: z.number().int().positive(), format: z.string(), bytes: z.number().int().positive() }),
  /** Where the scores were measured (long side 512). */
  workingSize: z.object({ width: z.number().int(), height: z.number().int() }),
  calibration: z.string(),
  regions: z.array(
    z.object({
      id: z.number().int().min(0).max(255),
      area: z.number(),
      edited: z.boolean(),
      asShot: AttributeRecordSchema,
      target: AttributeRecordSchema,
      achieved: AttributeRecordSchema,
      clipped: z.object({ colorfulness: z.boolean(), contrast: z.boolean(), temperature: z.boolean(), brightness: z.boolean() }),
    }),
  ),
});
export type RenderReportDocument = z.infer<typeof RenderReportDocumentSchema>;

/** The last event of a job: JobEventSchema's `done` plus the job's duration, from creation to finish (what the client waited). */
export const JobDoneEventSchema = JobEventSchema.extend({
  type: z.literal('done'),
  durationMs: z.number().nonnegative(),
  /** Present when the job failed. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type JobDoneEvent = z.infer<typeof JobDoneEventSchema>;

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * The id of the webhook delivery of one event to one target, `msg_` + 26 base32
 * characters like `newId('webhookDelivery')`, but derived from what it delivers: whoever
 * creates it again (a re-delivered agent job, the gateway cancelling a job) gets the same
 * id, so a delivery is created and sent once, and receivers can de-duplicate on
 * `webhook-id`.
 *
 * `subject` is the job or batch id; `target` is an endpoint id or the literal `url`
 * (the job's or batch's own webhookUrl).
 */
export function webhookDeliveryId(tenantId: string, subject: string, eventType: string, target: string): string {
  const digest = createHash('sha256').update(`${tenantId}\n${subject}\n${eventType}\n${target}`).digest();
  let n = BigInt(`0x${digest.subarray(0, 17).toString('hex')}`) >> 6n; // 130 bits → 26 characters
  let out = '';
  for (let i = 0; i < 26; i++, n >>= 5n) out = BASE32[Number(n & 31n)] + out;
  return `msg_${out}`;
}
