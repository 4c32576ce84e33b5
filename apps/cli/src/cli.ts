import { CalibrationError, MapValidationError } from '@pertouch/imaging';
import { InstructionError } from '@pertouch/instructions';
import { SegmentationError } from '@pertouch/segmentation';
import { parseCommandLine, type CommandName } from './args.js';
import { analyze } from './commands/analyze.js';
import { auto } from './commands/auto.js';
import type { Command } from './commands/context.js';
import { parseCommand } from './commands/parse.js';
import { renderCommand } from './commands/render.js';
import { segment } from './commands/segment.js';
import { configFromEnv } from './config.js';
import { CliError, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, firstLine, messageOf } from './errors.js';
import type { CliIo } from './io.js';
import { usage } from './usage.js';
import { versionText } from './version.js';

export type { CliIo, Writer } from './io.js';

const COMMANDS: Readonly<Record<CommandName, Command>> = { analyze, render: renderCommand, auto, segment, parse: parseCommand };

/** Library validation errors that escaped a command are still bad input, not bugs. */
function asCliError(error: unknown): CliError | undefined {
  if (error instanceof CliError) return error;
  if (error instanceof MapValidationError) return new CliError(`map.${error.code}`, error.message);
  if (error instanceof CalibrationError) return new CliError('calibration.invalid', error.message);
  if (error instanceof SegmentationError) return new CliError(`segment.${error.code}`, error.message);
  if (error instanceof InstructionError) return new CliError(`instruction.${error.code}`, error.message);
  return undefined;
}

/**
 * Runs pertouch with `argv` (the arguments after the program name) and returns the
 * exit code: 0 success, 2 bad input (one line on stderr), 1 internal error. Never
 * exits the process: the bin entry (main.ts) does.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const line = parseCommandLine(argv);
    if (line.kind === 'help') {
      io.stdout.write(usage(line.command));
      return EXIT_OK;
    }
    if (line.kind === 'version') {
      io.stdout.write(versionText());
      return EXIT_OK;
    }
    await COMMANDS[line.command]({ io, config: configFromEnv(io.env), line });
    return EXIT_OK;
  } catch (error) {
    const bad = asCliError(error);
    if (bad) {
      io.stderr.write(`pertouch: [${bad.code}] ${firstLine(bad.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    if (io.env.PERTOUCH_DEBUG === '1' && error instanceof Error && error.stack) {
      io.stderr.write(`pertouch: internal error: ${error.stack}\n`);
    } else {
      io.stderr.write(`pertouch: internal error: ${firstLine(messageOf(error))} (set PERTOUCH_DEBUG=1 for the stack)\n`);
    }
    return EXIT_INTERNAL;
  }
}
