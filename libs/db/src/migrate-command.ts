/**
 * `pertouch-migrate [up | down [count]]`: migrates DATABASE_URL. One line per applied
 * migration on stdout; on failure one line on stderr and exit status 1.
 */
import { EnvConfigError } from '@pertouch/contracts';
import { databaseConfigFromEnv } from './config.js';
import { migrate } from './migrate.js';

const USAGE = 'usage: pertouch-migrate [up | down [count]]';

export interface CommandOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const consoleOutput: CommandOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

function parseArgs(args: readonly string[]): { direction: 'up' | 'down'; count?: number } {
  const [direction = 'up', count, ...rest] = args;
  if ((direction !== 'up' && direction !== 'down') || rest.length > 0) throw new Error(USAGE);
  if (count === undefined) return { direction };
  if (!/^[1-9]\d*$/.test(count)) throw new Error(`count must be a positive integer (${USAGE})`);
  return { direction, count: Number(count) };
}

function oneLine(error: unknown): string {
  if (error instanceof EnvConfigError) return error.problems.join('; ');
  const message = error instanceof Error ? error.message : String(error);
  // pg's connection errors (ECONNREFUSED …, AggregateError) may carry the reason only in `code`.
  const code = (error as { code?: unknown } | null)?.code;
  const first = message.split('\n')[0] || (error instanceof Error ? error.name : 'failed');
  return typeof code === 'string' && !first.includes(code) ? `${first} (${code})` : first;
}

/** Runs the command; resolves to the exit status. */
export async function runMigrateCommand(args: readonly string[], env: Readonly<Record<string, string | undefined>>, output: CommandOutput = consoleOutput): Promise<number> {
  try {
    const { direction, count } = parseArgs(args);
    const { url } = databaseConfigFromEnv(env);
    const applied = await migrate(url, { direction, count, log: (line) => output.out(`pertouch-migrate: ${line}`) });
    if (applied.length === 0) output.out('pertouch-migrate: nothing to migrate');
    return 0;
  } catch (error) {
    output.err(`pertouch-migrate: ${oneLine(error)}`);
    return 1;
  }
}
