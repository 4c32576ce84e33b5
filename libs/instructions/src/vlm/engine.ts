/**
 * The VLM engine: asks the model, checks its answer against the parse-result schema,
 * normalises its region words like the rule engine's, and falls back to the rule engine
 * (logging why) when the call fails or the answer is not a valid parse.
 */
import type { ParseContext } from '../context.js';
import { InstructionError, MAX_INSTRUCTION_LENGTH } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { InstructionParser } from '../parser-port.js';
import { GLOBAL_REGION, normaliseRegion } from '../region.js';
import { parseWithRules } from '../rules/parse-rules.js';
import { ParseResultSchema, type Edit, type ParseResult } from '../schema.js';
import { requestCompletion, VlmFailure } from './client.js';
import type { VlmConfig } from './config.js';
import { parseAnswer } from './message.js';
import { chatRequestBody } from './prompt.js';

export interface VlmParserOptions {
  readonly log?: Logger;
  readonly fetch?: typeof fetch;
  /** First retry delay in ms (default 500). */
  readonly backoffMs?: number;
}

const MAX_NOTES = 10;

function clipBox(box: NonNullable<Edit['box']>, image: ParseContext['image']): Edit['box'] {
  const width = image?.width ?? Infinity;
  const height = image?.height ?? Infinity;
  const clipped = { x0: Math.min(box.x0, width), y0: Math.min(box.y0, height), x1: Math.min(box.x1, width), y1: Math.min(box.y1, height) };
  return clipped.x1 > clipped.x0 && clipped.y1 > clipped.y0 ? clipped : undefined;
}

/** The model's answer as a parse result, or a VlmFailure saying what is wrong with it. */
export function interpretAnswer(content: string, context?: ParseContext): ParseResult {
  const answer = parseAnswer(content, ParseResultSchema);
  const notes = [...(answer.notes ?? [])];
  const edits = answer.edits.map((edit): Edit => {
    const region = normaliseRegion(edit.region);
    if (region === undefined) throw new VlmFailure('schema_mismatch', `the answer names no region in ${JSON.stringify(edit.region)}`);
    const except = edit.except?.map(normaliseRegion).filter((r): r is string => r !== undefined && r !== region);
    const box = edit.box && region !== GLOBAL_REGION ? clipBox(edit.box, context?.image) : undefined;
    if (edit.box && !box) notes.push(`dropped the box of "${region}": ${region === GLOBAL_REGION ? 'the whole photo needs none' : 'it lies outside the image'}`);
    return { region, attribute: edit.attribute, delta: edit.delta, ...(except && except.length > 0 ? { except } : {}), ...(box ? { box } : {}) };
  });
  return { type: answer.type, edits, ...(notes.length > 0 ? { notes: notes.slice(0, MAX_NOTES) } : {}) };
}

/** The same checks the rule engine makes, before spending a request. */
function checkInstruction(instruction: string): void {
  const text = instruction.trim();
  if (text === '') throw new InstructionError('empty_instruction', 'the instruction is empty');
  if (text.length > MAX_INSTRUCTION_LENGTH) throw new InstructionError('instruction_too_long', `the instruction has ${text.length} characters; at most ${MAX_INSTRUCTION_LENGTH}`);
}

export function createVlmParser(config: VlmConfig, options: VlmParserOptions = {}): InstructionParser {
  const log = options.log ?? silentLogger;
  return {
    engine: 'vlm',
    async parse(instruction: string, context?: ParseContext): Promise<ParseResult> {
      checkInstruction(instruction);
      let attempts = 0;
      try {
        const answer = await requestCompletion(config, chatRequestBody(config, instruction.trim(), context), { fetch: options.fetch, backoffMs: options.backoffMs, signal: context?.signal });
        attempts = answer.attempts;
        const result = interpretAnswer(answer.content, context);
        log({ event: 'instructions.vlm_parsed', level: 'info', model: config.model, attempts, type: result.type, edits: result.edits.length });
        return result;
      } catch (error) {
        if (context?.signal?.aborted) throw error;
        const reason = error instanceof VlmFailure ? error.reason : 'internal';
        const detail = error instanceof Error ? error.message : String(error);
        log({ event: 'instructions.vlm_fallback', level: 'warn', model: config.model, reason, detail, attempts: error instanceof VlmFailure ? Math.max(error.attempts, attempts) : attempts });
        const result = parseWithRules(instruction);
        const notes = [...(result.notes ?? []), `parsed by the rule engine: the VLM failed (${reason})`];
        return { ...result, notes: notes.slice(-MAX_NOTES) };
      }
    },
  };
}
