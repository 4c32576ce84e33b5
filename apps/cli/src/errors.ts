/**
 * Errors the user can fix (bad input, bad arguments): one line on stderr,
 * `pertouch: [code] message`, exit code 2. Anything else is an internal error (exit 1).
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    /** Stable, machine-readable: `<subject>.<problem>`, e.g. `map.value_out_of_range`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

/** The first non-empty line of a message (libvips errors span several lines). */
export function firstLine(message: string): string {
  return message.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? message;
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
