import { EditSpecSchema, JobIdSchema, OutputSchema, PARENT_JOB_FIELD, type ApiParameterMap, type OutputOptions, type RenderEngineName } from '@pertouch/contracts';
import type { JobRequestData } from '@pertouch/db';
import { PipelineFailure } from './failures.js';

/** What a job asks for, as the pipeline uses it. */
export type EditRequest = {
  readonly output: OutputOptions;
  readonly engine: RenderEngineName;
  /** A follow-up's parent (POST /v1/jobs/{id}/follow-up): the job whose result this one starts from. */
  readonly parentJobId?: string;
} & ({ readonly kind: 'auto' } | { readonly kind: 'map'; readonly map: ApiParameterMap } | { readonly kind: 'instruction'; readonly instruction: string });

/**
 * Reads the request stored with the job (the create request without its image ids; the
 * gateway validated it). Fields a batch or the gateway adds besides the edit are ignored.
 */
export function parseEditRequest(stored: JobRequestData): EditRequest {
  const { imageId: _imageId, imageIds: _imageIds, [PARENT_JOB_FIELD]: parent, ...edit } = stored;
  const parsed = EditSpecSchema.safeParse(edit);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map(String).join('.');
    const code = path.startsWith('map') ? 'invalid_map' : 'internal_error';
    throw new PipelineFailure(code, `the stored request is invalid: ${path || 'request'}: ${issue.message}`);
  }
  const spec = parsed.data;
  const parentJobId = parent === undefined ? undefined : JobIdSchema.safeParse(parent);
  if (parentJobId && !parentJobId.success) throw new PipelineFailure('internal_error', `the stored request's ${PARENT_JOB_FIELD} is not a job id`);
  const common = { output: spec.output ?? OutputSchema.parse({}), engine: spec.engine ?? 'embedded', ...(parentJobId ? { parentJobId: parentJobId.data } : {}) } as const;
  if (spec.map) return { ...common, kind: 'map', map: spec.map };
  if (spec.instruction !== undefined) return { ...common, kind: 'instruction', instruction: spec.instruction };
  if (spec.auto) return { ...common, kind: 'auto' };
  throw new PipelineFailure('internal_error', 'the stored request has none of map, auto or instruction');
}
