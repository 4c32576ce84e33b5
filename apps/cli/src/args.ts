import { parseArgs } from 'node:util';
import { CliError, firstLine } from './errors.js';

export const COMMAND_NAMES = ['analyze', 'render', 'auto', 'segment', 'parse'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Every option pertouch knows; each command accepts the globals plus its own. */
const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  json: { type: 'boolean' },
  calibration: { type: 'string' },
  segmentation: { type: 'string', short: 's' },
  map: { type: 'string', short: 'm' },
  output: { type: 'string', short: 'o' },
  quality: { type: 'string', short: 'q' },
  engine: { type: 'string' },
  point: { type: 'string' },
  box: { type: 'string' },
  label: { type: 'string' },
  overlay: { type: 'string' },
  photo: { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;

const GLOBAL_OPTIONS: readonly OptionName[] = ['help', 'version', 'json', 'calibration'];
const COMMAND_OPTIONS: Readonly<Record<CommandName, readonly OptionName[]>> = {
  analyze: ['segmentation'],
  render: ['segmentation', 'map', 'output', 'quality'],
  auto: ['segmentation', 'output', 'quality'],
  segment: ['engine', 'point', 'box', 'label', 'output', 'overlay'],
  parse: ['photo'],
};

/** Commands whose argument is text rather than an IMAGE path; its words may come unquoted. */
const TEXT_ARGUMENT: Partial<Record<CommandName, string>> = { parse: 'INSTRUCTION' };

export interface CommandOptions {
  readonly json: boolean;
  readonly calibration?: string;
  readonly segmentation?: string;
  readonly map?: string;
  readonly output?: string;
  readonly quality?: string;
  readonly engine?: string;
  readonly point?: string;
  readonly box?: string;
  readonly label?: string;
  readonly overlay?: string;
  readonly photo?: string;
}

export type CommandLine =
  | { readonly kind: 'help'; readonly command?: CommandName }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'run';
      readonly command: CommandName;
      /** The positional argument: the IMAGE path, or for `parse` the INSTRUCTION. */
      readonly image: string;
      readonly options: CommandOptions;
    };

function isCommand(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    const message = firstLine(error instanceof Error ? error.message : String(error));
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    if (unknown) throw new CliError('usage.unknown_option', `unknown option ${unknown[1]} (see pertouch --help)`);
    throw new CliError('usage.invalid_option', message.replace(/\.$/, ''));
  }
}

/** Parses the command line: `pertouch [global options] COMMAND IMAGE [options]`. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { values, positionals, tokens } = parse(argv);
  const [name, ...rest] = positionals;
  const command = name === 'help' ? rest[0] : name;
  if (name === 'help' || values.help) {
    if (command !== undefined && !isCommand(command)) throw new CliError('usage.unknown_command', `unknown command "${command}" (commands: ${COMMAND_NAMES.join(', ')})`);
    return { kind: 'help', command };
  }
  if (values.version) return { kind: 'version' };
  if (command === undefined) throw new CliError('usage.missing_command', `no command given (commands: ${COMMAND_NAMES.join(', ')}; see pertouch --help)`);
  if (!isCommand(command)) throw new CliError('usage.unknown_command', `unknown command "${command}" (commands: ${COMMAND_NAMES.join(', ')})`);
  const allowed = new Set<string>([...GLOBAL_OPTIONS, ...COMMAND_OPTIONS[command]]);
  for (const token of tokens) {
    if (token.kind === 'option' && !allowed.has(token.name)) {
      throw new CliError('usage.unknown_option', `${token.rawName} is not an option of "${command}" (see pertouch ${command} --help)`);
    }
  }
  const text = TEXT_ARGUMENT[command];
  if (rest.length === 0) throw new CliError('usage.missing_argument', `${command}: missing ${text ?? 'IMAGE'} (see pertouch ${command} --help)`);
  if (text === undefined && rest.length > 1) throw new CliError('usage.too_many_arguments', `${command}: expected one IMAGE, got ${rest.length} (${rest.join(' ')})`);
  const options: CommandOptions = {
    json: values.json ?? false,
    calibration: values.calibration,
    segmentation: values.segmentation,
    map: values.map,
    output: values.output,
    quality: values.quality,
    engine: values.engine,
    point: values.point,
    box: values.box,
    label: values.label,
    overlay: values.overlay,
    photo: values.photo,
  };
  for (const [key, value] of Object.entries(options)) {
    if (value === '') throw new CliError('usage.invalid_option', `--${key} needs a non-empty value`);
  }
  return { kind: 'run', command, image: text === undefined ? rest[0] : rest.join(' '), options };
}
