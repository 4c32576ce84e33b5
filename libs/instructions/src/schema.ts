/**
 * The parse result: what an instruction asks for, as the agent's contract and as the JSON
 * schema the VLM answers in (`parseResultJsonSchema`). Deltas are changes of parameter
 * values (design.md §4), not target values: the agent adds them to the current map.
 */
import { ATTRIBUTE_NAMES } from '@pertouch/contracts';
import { z } from 'zod';

export const AttributeSchema = z.enum(ATTRIBUTE_NAMES);

const RegionName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .describe('"global" for the whole photo, a region word of the segmentation vocabulary (sky, cloud, water, vegetation, ground, road, building, person, face, skin, hair, animal, vehicle, subject, background, shadows, highlights) or an object noun in the lower-case singular ("eagle", "shirt")');

/** A box in the pixel coordinates of the image the VLM was shown: x0 ≤ x < x1, y0 ≤ y < y1. */
export const EditBoxSchema = z
  .object({ x0: z.number().int().min(0), y0: z.number().int().min(0), x1: z.number().int().min(1), y1: z.number().int().min(1) })
  .refine((b) => b.x1 > b.x0 && b.y1 > b.y0, 'a box needs x1 > x0 and y1 > y0')
  .describe('where the object is, in image pixels (x1, y1 exclusive); only for object nouns, so the agent can prompt a mask');
export type EditBox = z.infer<typeof EditBoxSchema>;

export const EditSchema = z.object({
  region: RegionName,
  attribute: AttributeSchema,
  delta: z
    .number()
    .min(-1)
    .max(1)
    .refine((d) => d !== 0, 'a delta of 0 is no edit')
    .describe('signed change in parameter units: ±0.1 slight ("a bit"), ±0.2 plain, ±0.4 strong ("a lot", "very"), ±0.6 extreme'),
  /** Regions the edit leaves alone: "desaturate everything except the person". */
  except: z.array(RegionName).min(1).max(8).optional().describe('regions the edit must leave alone ("everything except the person")'),
  box: EditBoxSchema.optional(),
});
export type Edit = z.infer<typeof EditSchema>;

export const ParseResultSchema = z
  .object({
    /** weak: the automatic look decides ("optimize", "make it look good"); strong: the edits say what to change. */
    type: z.enum(['weak', 'strong']).describe('weak: no specific change asked ("optimize", "make it look good", "the way I usually like"); strong: specific edits'),
    edits: z.array(EditSchema).max(16).describe('empty for a weak instruction, at least one for a strong one'),
    /** How the parser read something that could be read two ways, or what it ignored. */
    notes: z.array(z.string().max(300)).max(10).optional(),
  })
  .refine((r) => (r.type === 'weak') === (r.edits.length === 0), 'a weak instruction has no edits and a strong one has at least one');
export type ParseResult = z.infer<typeof ParseResultSchema>;

/** The JSON schema of a parse result (draft 2020-12), as sent to the VLM. */
export function parseResultJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ParseResultSchema) as Record<string, unknown>;
}
