/**
 * The VLM judge's request: did this round's result carry out the instruction? A system
 * prompt with the rules of judging, a user message with the instruction, the edits as
 * understood (numbered, so the answer can point at them), the embedded judge's
 * measurements when given, and the before and after previews as base64 data URLs.
 */
import { z } from 'zod';
import { strengthBand } from '../strength.js';
import type { Edit } from '../schema.js';
import type { VlmConfig } from './config.js';
import { dataUrl } from './message.js';

export interface JudgeImage {
  readonly data: Uint8Array;
  readonly mediaType: string;
  readonly width?: number;
  readonly height?: number;
}

export interface JudgeRequest {
  /** The user's words. */
  readonly instruction: string;
  /** What was understood; an edit's index is its number in the answer's `adjust`. */
  readonly edits: readonly Edit[];
  /** The photo before this instruction (a small preview), not the previous round. */
  readonly before: JudgeImage;
  /** This round's result, the same size as `before`. */
  readonly after: JudgeImage;
  /** Lines from the embedded judge, e.g. "sky brightness +0.082 (asked +0.100 ± 0.030)". */
  readonly measured?: readonly string[];
  /** 1-based. */
  readonly round: number;
  readonly maxRounds: number;
  readonly signal?: AbortSignal;
}

export const JudgeAnswerSchema = z.object({
  satisfied: z.boolean().describe('true only if every edit is ok and nothing else visibly changed'),
  reason: z.string().min(1).max(500).describe('one or two short sentences: what is right or wrong'),
  adjust: z
    .array(z.object({ edit: z.number().int().min(0).describe('the edit number'), change: z.enum(['more', 'less', 'ok']) }))
    .max(32)
    .describe('for each edit: more (too weak or not visible), less (too strong) or ok'),
});
export type JudgeAnswer = z.infer<typeof JudgeAnswerSchema>;

export const JUDGE_RESPONSE_FORMAT_NAME = 'pertouch_judgement';

export const JUDGE_SYSTEM_PROMPT = `You check a photo retouch for PerTouch. You get a user's instruction, the edits it was understood as, and two images of the same photo: "Before" (the photo before the instruction) and "After" (the result). Decide whether After carries out the instruction relative to Before.

Each edit changes one attribute of one region: brightness (lighter/darker), contrast (punchier/flatter), colorfulness (more/less saturated), temperature (positive = warmer, more amber; negative = cooler, bluer). "global" is the whole photo; "except" lists regions that must stay as they were. delta is the asked change: about ±0.1 slight, ±0.2 plain, ±0.4 strong, ±0.6 extreme.

For every edit, compare the named region in After with Before and answer:
- "more" if the change is missing, too weak, or goes the wrong way;
- "less" if it clearly overshoots the asked strength;
- "ok" if it goes the right way with about the asked strength.
Be strict about direction and region: a change in the wrong direction, or one that spills visibly onto other regions, is not ok. Be tolerant about small differences in strength: a slight edit should be visible but subtle.
Measurements of the renderer, when given, are exact numbers for what changed; trust them over your eyes for strength, and use the images for what they cannot see (the region, spill, artefacts).

satisfied: true only if every edit is ok and nothing else visibly changed. reason: one or two short sentences. adjust: one entry per edit, by its number.

Answer with one JSON object that matches the schema, nothing else.`;

const signed = (value: number, digits: number) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

/** "0: sky brightness +0.10 (slight)", with the except list and box when the edit has them. */
export function describeEdit(edit: Edit, index: number): string {
  const except = edit.except && edit.except.length > 0 ? ` except ${edit.except.join(', ')}` : '';
  const box = edit.box ? ` in the box x ${edit.box.x0}–${edit.box.x1}, y ${edit.box.y0}–${edit.box.y1}` : '';
  return `${index}: ${edit.region}${except} ${edit.attribute} ${signed(edit.delta, 2)} (${strengthBand(edit.delta)})${box}`;
}

function userText(request: JudgeRequest): string {
  const lines = [`Instruction: ${JSON.stringify(request.instruction)}`];
  lines.push(request.edits.length > 0 ? 'Edits:' : 'Edits: none (the automatic look: After should simply look better than Before).');
  lines.push(...request.edits.map(describeEdit));
  if (request.measured && request.measured.length > 0) lines.push('Measured by the renderer (achieved change, asked ± tolerance):', ...request.measured.map((m) => `- ${m}`));
  const { width, height } = request.before;
  if (width !== undefined && height !== undefined) lines.push(`Both previews are ${width}×${height} pixels.`);
  lines.push(`This is round ${request.round} of ${request.maxRounds}.`);
  return lines.join('\n');
}

/** The JSON schema of an answer (draft 2020-12), as sent to the VLM. */
export function judgeAnswerJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(JudgeAnswerSchema) as Record<string, unknown>;
}

export function judgeRequestBody(config: Pick<VlmConfig, 'model'>, request: JudgeRequest): Record<string, unknown> {
  return {
    model: config.model,
    temperature: 0,
    messages: [
      { role: 'system', content: JUDGE_SYSTEM_PROMPT },
      {
        role: 'user',
        // Labelled and in a fixed order: models compare two images reliably only when told which is which.
        content: [
          { type: 'text', text: userText(request) },
          { type: 'text', text: 'Before:' },
          { type: 'image_url', image_url: { url: dataUrl(request.before) } },
          { type: 'text', text: 'After:' },
          { type: 'image_url', image_url: { url: dataUrl(request.after) } },
        ],
      },
    ],
    // strict: false as for the parser (prompt.ts); the answer is validated with zod anyway.
    response_format: { type: 'json_schema', json_schema: { name: JUDGE_RESPONSE_FORMAT_NAME, schema: judgeAnswerJsonSchema(), strict: false } },
  };
}
