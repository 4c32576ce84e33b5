import type { CommandLine } from '../args.js';
import type { CliConfig } from '../config.js';
import type { CliIo } from '../io.js';

export type RunCommandLine = Extract<CommandLine, { kind: 'run' }>;

export interface CommandContext {
  readonly io: CliIo;
  readonly config: CliConfig;
  readonly line: RunCommandLine;
}

export type Command = (ctx: CommandContext) => Promise<void>;

/** Pretty JSON plus a newline. */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
