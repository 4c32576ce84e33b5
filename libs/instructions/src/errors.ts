/** Stable machine-readable codes for instructions the parser cannot turn into edits. */
export type InstructionErrorCode =
  /** Nothing but blanks. */
  | 'empty_instruction'
  /** Longer than MAX_INSTRUCTION_LENGTH characters. */
  | 'instruction_too_long'
  /** Neither an edit of the four attributes nor a request for the automatic look. */
  | 'not_understood'
  /** Asks only for something the four attributes cannot do (sharpen, crop, remove…). */
  | 'unsupported_edit';

export class InstructionError extends Error {
  override readonly name = 'InstructionError';
  constructor(
    readonly code: InstructionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The same limit the API puts on a job's instruction. */
export const MAX_INSTRUCTION_LENGTH = 1000;
