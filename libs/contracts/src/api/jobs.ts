/** Jobs and rounds: requests, states and what `GET /v1/jobs/{id}` returns. */
import { z } from 'zod';
import { ApiParameterMapSchema } from './map.js';
import { BatchIdSchema, JobIdSchema, PublicImageIdSchema } from './ids.js';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const JobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobStateSchema>;
export const TERMINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

/** Allowed transitions of the job state machine. */
export const JOB_TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

/** The pipeline's stages, in order; `progress` grows through them. */
export const JOB_STAGES = ['queued', 'segment', 'analyse', 'plan', 'render', 'finalize', 'done'] as const;
export type JobStage = (typeof JOB_STAGES)[number];

export const OUTPUT_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'tiff'] as const;
export const OutputSchema = z.strictObject({
  format: z.enum(OUTPUT_FORMATS).default('jpeg'),
  /** 1–100, for lossy formats; default 90. */
  quality: z.number().int().min(1).max(100).default(90),
});
export type OutputOptions = z.infer<typeof OutputSchema>;

export const RENDER_ENGINES = ['embedded', 'diffusion'] as const;
export const RenderEngineSchema = z.enum(RENDER_ENGINES);
export type RenderEngineName = z.infer<typeof RenderEngineSchema>;

/** An end-user id of the tenant's own (for taste memory); opaque to PerTouch. */
export const UserIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'userId must be 1–128 of [A-Za-z0-9._:@-]');

/** Where a webhook may be sent: https (or http, checked against the private-range guard). */
export const WebhookUrlSchema = z
  .string()
  .max(2048)
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'webhookUrl must be an http(s) URL');

/** What to do to the image: exactly one of map, auto, instruction. */
export const EditSpecSchema = z.strictObject({
  map: ApiParameterMapSchema.optional(),
  /** true: every region to the median look (0), or the user's remembered taste once the agent knows it. */
  auto: z.literal(true).optional(),
  /** Plain language ("brighten the sky a little"); understood by the agent (issue: the agent). */
  instruction: z.string().trim().min(1).max(1000).optional(),
  userId: UserIdSchema.optional(),
  output: OutputSchema.optional(),
  engine: RenderEngineSchema.optional(),
  webhookUrl: WebhookUrlSchema.optional(),
});

function exactlyOneEdit(spec: { map?: unknown; auto?: unknown; instruction?: unknown }): boolean {
  return [spec.map, spec.auto, spec.instruction].filter((v) => v !== undefined).length === 1;
}
const ONE_EDIT = 'give exactly one of map, auto or instruction';

export const CreateJobSchema = EditSpecSchema.extend({ imageId: PublicImageIdSchema }).refine(exactlyOneEdit, ONE_EDIT);
export type CreateJobRequest = z.infer<typeof CreateJobSchema>;

/**
 * The judge's word on a round of an instruction job: whether the request was carried out
 * and why. `judge` says who decided: the embedded judge (the renderer's measurements) or
 * the VLM looking at before and after; `adjust` is the VLM's advice per edit (index into
 * the parsed edits) that the next round follows.
 */
export const RoundVerdictSchema = z.object({
  satisfied: z.boolean(),
  reason: z.string(),
  judge: z.enum(['embedded', 'vlm']).optional(),
  adjust: z.array(z.object({ edit: z.number().int().min(0), change: z.enum(['more', 'less', 'ok']) })).optional(),
});
export type RoundVerdict = z.infer<typeof RoundVerdictSchema>;

/** One render of a job: the map that was asked for, what the renderer achieved, where the image is. */
export const JobRoundSchema = z.object({
  n: z.number().int().min(1),
  map: z.unknown(),
  report: z.unknown().nullable(),
  imageKey: z.string().nullable(),
  verdict: RoundVerdictSchema.nullable(),
  createdAt: z.string(),
});
export type JobRound = z.infer<typeof JobRoundSchema>;

export const JobSchema = z.object({
  id: JobIdSchema,
  object: z.literal('job'),
  imageId: PublicImageIdSchema,
  batchId: BatchIdSchema.nullable(),
  userId: z.string().nullable(),
  state: JobStateSchema,
  stage: z.string(),
  /** 0…1. */
  progress: z.number().min(0).max(1),
  request: z.unknown(),
  rounds: z.array(JobRoundSchema),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Present when succeeded: the result's URL on this API and its format. */
  result: z.object({ url: z.string(), format: z.string(), width: z.number().int(), height: z.number().int(), bytes: z.number().int() }).nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type JobView = z.infer<typeof JobSchema>;

/** Server-Sent Events on `GET /v1/jobs/{id}/events`: event name = `type`, data = this JSON. */
export const JobEventSchema = z.object({
  type: z.enum(['state', 'progress', 'round', 'done']),
  jobId: JobIdSchema,
  state: JobStateSchema,
  stage: z.string(),
  progress: z.number(),
  round: z.number().int().optional(),
  at: z.string(),
});
export type JobEvent = z.infer<typeof JobEventSchema>;

/**
 * Where a running job stands after entering each stage (JOB_STAGES order; `progress`
 * only grows). Within `render` the renderer reports its own fraction (per diffusion
 * step) between `render` and `finalize`.
 */
export const STAGE_PROGRESS: Readonly<Record<JobStage, number>> = {
  queued: 0,
  segment: 0.05,
  analyse: 0.3,
  plan: 0.45,
  render: 0.5,
  finalize: 0.95,
  done: 1,
};

/** Overall progress of a job whose render (round `round` of at most `rounds`) is `fraction` done. */
export function renderProgress(fraction: number, round = 1, rounds = 1): number {
  const span = STAGE_PROGRESS.finalize - STAGE_PROGRESS.render;
  const f = Math.min(1, Math.max(0, fraction));
  // Later rounds continue from where the earlier ones ended, so progress never goes back.
  const done = Math.min(rounds, Math.max(1, round)) - 1 + f;
  return STAGE_PROGRESS.render + (span * done) / Math.max(1, rounds);
}

/** The Redis pub/sub channel job events are published on (workers publish, the gateway relays as SSE). */
export function jobEventsChannel(queuePrefix: string, jobId: string): string {
  // Under the deployment's queue prefix, so stacks sharing one Redis never hear each other.
  return `${queuePrefix}:job-events:${jobId}`;
}
