/**
 * An instruction job's plan (design.md §6): parse → weak or strong. An `auto` job with a
 * userId is the weak request in structured form ("auto"): it is planned here too, as weak
 * without a parse, so it gets the user's remembered look like "optimize" does.
 *
 * The parse (and, for a weak instruction, the memory's estimate) is written once to the
 * job's plan document (`jobObjectKeys.plan`) before the first round: the agent job runs
 * again from the top after every hop, and a VLM need not answer twice alike, nor may the
 * memory change under a running job. Later deliveries read the document.
 */
import { ConfirmedLookSchema, jobObjectKeys, type AnalyseResult, type ConfirmedLook, type Preview } from '@pertouch/contracts';
import type { Database } from '@pertouch/db';
import { EditBoxSchema, InstructionError, ParseResultSchema, scaleEditBoxes, type Edit, type InstructionParser, type ParseContext } from '@pertouch/instructions';
import { z } from 'zod';
import { ObjectNotFoundError, type ObjectStore } from '@pertouch/storage';
import { regionsNeedingBoxes, type BoxedRegion } from './boxes.js';
import { PipelineFailure } from './failures.js';
import { baseLookOf, loadParent, requireParentEdits } from './follow-up.js';
import { groundEdits } from './grounding.js';
import type { LabelResolver } from './labels.js';
import { measuredRegions, type PlannedRound, type RegionTable } from './plan.js';
import { relativeEdits, relativeRequest } from './relative.js';
import { designStrong, type StrongDesign } from './strong-plan.js';
import type { TasteMemory } from './taste.js';
import { planWeak } from './weak-plan.js';

/** The stored plan of an instruction job (agent-internal; shown nowhere but the object store). */
export interface InstructionPlanDocument {
  readonly format: 1;
  readonly type: 'weak' | 'strong';
  /** Who read the instruction: libs/instructions' engine, the follow-up rule for "more"/"less" (relative.ts), or none (`auto`). */
  readonly parser: 'rules' | 'vlm' | 'follow-up' | 'auto';
  readonly edits: readonly Edit[];
  readonly notes: readonly string[];
  /** Weak only: the remembered look to render, or null for the automatic look. */
  readonly look: ConfirmedLook | null;
  /** Weak only: where the look came from (or why there is none). */
  readonly memory?: string;
  /**
   * Strong only: the objects only a VLM box finds (boxes.ts), in the order they are merged
   * into the segmentation — a follow-up's parent's first (so the parent's look, which
   * names their regions, is rendered again), then this instruction's own.
   */
  readonly objects?: readonly BoxedRegion[];
}
// Edits' boxes (a VLM's) are stored in the original's pixels, whatever preview the VLM saw.

const ObjectsSchema = z.array(z.object({ region: z.string().min(1), box: EditBoxSchema }));

export interface InstructionContext {
  readonly tenantId: string;
  readonly jobId: string;
  readonly imageId: string;
  readonly userId: string | null;
  /** Undefined for an `auto` job: weak, nothing to parse. */
  readonly instruction: string | undefined;
  readonly parentJobId?: string;
  readonly analysis: AnalyseResult;
  readonly document: RegionTable;
  /** The original's preview (analyse `previewKey`): what a VLM parser looks at and draws boxes on. */
  readonly preview?: Preview;
  /** Region words already found by a VLM box and merged into `document` (boxes.ts): word → region id. */
  readonly merged?: ReadonlyMap<string, number>;
}

export interface InstructionPorts {
  readonly db: Database;
  readonly store: ObjectStore;
  readonly parser: InstructionParser;
  readonly taste?: TasteMemory;
  readonly resolveLabel: LabelResolver;
}

/** A strong plan: its design, and the same design with each edit's delta scaled (a VLM judge's "more"/"less"). */
export interface StrongPlan {
  readonly kind: 'strong';
  readonly design: StrongDesign;
  /** The parsed edits (a VLM judge's advice names them by index). */
  readonly edits: readonly Edit[];
  redesign(scales: readonly number[]): StrongDesign;
}

export type InstructionPlan = (
  | { readonly kind: 'weak'; readonly round: PlannedRound }
  | StrongPlan
  /** Strong, but some edits name objects only a VLM box finds: mask them (boxes.ts), then plan again. */
  | { readonly kind: 'ground'; readonly boxes: readonly BoxedRegion[] }
) & {
  readonly plan: InstructionPlanDocument;
  /** True when this delivery made (and stored) the plan; false when an earlier one had. */
  readonly fresh: boolean;
};

export async function planInstruction(ctx: InstructionContext, ports: InstructionPorts): Promise<InstructionPlan> {
  const key = jobObjectKeys.plan(ctx.tenantId, ctx.imageId, ctx.jobId);
  let plan = await readPlan(ports.store, key);
  const fresh = !plan;
  if (!plan) {
    plan = await makePlan(ctx, ports);
    await ports.store.put(key, Buffer.from(JSON.stringify(plan)), 'application/json');
  }
  if (plan.type === 'weak') return { kind: 'weak', plan, fresh, round: planWeak(plan.look ?? undefined, ctx.document, ctx.analysis) };
  const merged = ctx.merged ?? new Map<string, number>();
  const boxes = (plan.objects ?? []).filter((o) => !merged.has(o.region));
  if (boxes.length > 0) return { kind: 'ground', plan, fresh, boxes };
  const inputs = { document: ctx.document, analysis: ctx.analysis, resolveLabel: ports.resolveLabel, merged };
  const grounded = await groundEdits(plan.edits, inputs);
  const base = ctx.parentJobId ? baseLookOf(await loadParent(ports.db, ctx.tenantId, ctx.parentJobId, ctx.imageId), ctx.document) : undefined;
  const redesign = (scales: readonly number[]) =>
    designStrong(
      grounded.map((g, i) => ({ ...g, edit: { ...g.edit, delta: g.edit.delta * (scales[i] ?? 1) } })),
      ctx.document,
      ctx.analysis,
      base,
    );
  return { kind: 'strong', plan, fresh, design: redesign([]), edits: plan.edits, redesign };
}

async function makePlan(ctx: InstructionContext, ports: InstructionPorts): Promise<InstructionPlanDocument> {
  if (ctx.instruction === undefined) {
    const remembered = await rememberedLook(ctx, ports);
    return { format: 1, type: 'weak', parser: 'auto', edits: [], notes: [], look: remembered.look, memory: remembered.memory };
  }
  const relative = relativeRequest(ctx.instruction);
  if (relative) {
    if (!ctx.parentJobId) throw new PipelineFailure('instruction_not_supported', `"${ctx.instruction}" only means something after another edit: send it as a follow-up (POST /v1/jobs/{id}/follow-up)`);
    await loadParent(ports.db, ctx.tenantId, ctx.parentJobId, ctx.imageId);
    const parentPlan = await readPlan(ports.store, jobObjectKeys.plan(ctx.tenantId, ctx.imageId, ctx.parentJobId));
    const edits = relativeEdits(relative, requireParentEdits(ctx.parentJobId, parentPlan?.type === 'strong' ? parentPlan.edits : undefined));
    const objects = await objectsToMerge(edits, ctx, ports);
    return { format: 1, type: 'strong', parser: 'follow-up', edits, notes: [`"${ctx.instruction}" applies to the edits of ${ctx.parentJobId}`], look: null, ...objects };
  }
  const measured = measuredRegions(ctx.analysis);
  const regionLabels = [...new Set(ctx.document.regions.filter((r) => measured.has(r.id)).map((r) => r.label))].sort();
  const image = ports.parser.engine === 'vlm' ? await previewImage(ctx.preview, ports.store) : undefined;
  let parsed;
  try {
    parsed = await ports.parser.parse(ctx.instruction, { regionLabels, ...(image ? { image } : {}) });
  } catch (error) {
    if (error instanceof InstructionError) throw new PipelineFailure('instruction_not_supported', `[${error.code}] ${error.message}`);
    throw error;
  }
  const common = { format: 1, parser: ports.parser.engine, notes: parsed.notes ?? [] } as const;
  if (parsed.type === 'strong') {
    const edits = ctx.preview ? scaleEditBoxes(parsed.edits, ctx.preview, ctx.analysis) : parsed.edits.map(({ box: _box, ...edit }) => edit);
    return { ...common, type: 'strong', edits, look: null, ...(await objectsToMerge(edits, ctx, ports)) };
  }
  const remembered = await rememberedLook(ctx, ports);
  return { ...common, type: 'weak', edits: [], look: remembered.look, memory: remembered.memory };
}

async function rememberedLook(ctx: InstructionContext, ports: InstructionPorts): Promise<{ look: ConfirmedLook | null; memory: string }> {
  if (!ctx.userId) return { look: null, memory: 'no userId: the automatic look' };
  if (!ports.taste) return { look: null, memory: 'no scene memory configured: the automatic look' };
  if (!ctx.analysis.scene) return { look: null, memory: 'no scene descriptor from the renderer: the automatic look' };
  const remembered = await ports.taste.look(ctx.tenantId, ctx.userId, ctx.analysis.scene);
  if (!remembered) return { look: null, memory: `nothing remembered for ${ctx.userId}: the automatic look` };
  return { look: remembered.look, memory: `${remembered.neighbours} similar scene(s) of ${ctx.userId}, evidence ${remembered.weight.toFixed(2)}` };
}

/**
 * The plan's `objects`: the parent's (a follow-up renders the parent's look again, which
 * may name regions only a box found), then the words of `edits` that the segmentation
 * does not answer but a box does. Decided once, on the segmenter's own segmentation.
 */
async function objectsToMerge(edits: readonly Edit[], ctx: InstructionContext, ports: InstructionPorts): Promise<{ objects?: BoxedRegion[] }> {
  const inherited = ctx.parentJobId ? ((await readPlan(ports.store, jobObjectKeys.plan(ctx.tenantId, ctx.imageId, ctx.parentJobId)))?.objects ?? []) : [];
  const merged = new Map(inherited.map((o) => [o.region, -1]));
  const own = await regionsNeedingBoxes(edits, { document: ctx.document, analysis: ctx.analysis, resolveLabel: ports.resolveLabel, merged });
  const objects = [...inherited, ...own];
  return objects.length > 0 ? { objects } : {};
}

/** The original's preview as the parser's image (the VLM draws its boxes on it). */
async function previewImage(preview: Preview | undefined, store: ObjectStore): Promise<ParseContext['image'] | undefined> {
  if (!preview) return undefined;
  const data = await store.get(preview.key);
  return { data, mediaType: 'image/jpeg', width: preview.width, height: preview.height };
}

/** The stored plan, or undefined when there is none yet (a malformed one is made again). */
async function readPlan(store: ObjectStore, key: string): Promise<InstructionPlanDocument | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse((await store.get(key)).toString('utf8'));
  } catch (error) {
    if (error instanceof ObjectNotFoundError || error instanceof SyntaxError) return undefined;
    throw error;
  }
  const doc = raw as Partial<InstructionPlanDocument> | null;
  if (doc?.format !== 1 || !['rules', 'vlm', 'follow-up', 'auto'].includes(doc.parser as string)) return undefined;
  const parse = ParseResultSchema.safeParse({ type: doc.type, edits: doc.edits, notes: doc.notes });
  const look = doc.look === null ? { success: true as const, data: null } : ConfirmedLookSchema.safeParse(doc.look);
  const objects = doc.objects === undefined ? { success: true as const, data: undefined } : ObjectsSchema.safeParse(doc.objects);
  if (!parse.success || !look.success || !objects.success) return undefined;
  return {
    format: 1,
    type: parse.data.type,
    parser: doc.parser!,
    edits: parse.data.edits,
    notes: parse.data.notes ?? [],
    look: look.data,
    ...(typeof doc.memory === 'string' ? { memory: doc.memory } : {}),
    ...(objects.data && objects.data.length > 0 ? { objects: objects.data } : {}),
  };
}
