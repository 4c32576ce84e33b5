import type { ParseContext } from './context.js';
import type { ParseResult } from './schema.js';

/** The port the agent and the CLI use; the engine behind it is configuration. */
export interface InstructionParser {
  /** Which engine answers: the embedded rules, or a VLM (with the rules as fallback). */
  readonly engine: 'rules' | 'vlm';
  /**
   * Throws InstructionError (code empty_instruction, instruction_too_long, not_understood,
   * unsupported_edit) for instructions that yield no parse.
   */
  parse(instruction: string, context?: ParseContext): Promise<ParseResult>;
}
