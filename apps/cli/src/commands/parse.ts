import { createInstructionParser, EnvConfigError, scaleEditBoxes, type LogLine, type ParseResult } from '@pertouch/instructions';
import { CliError } from '../errors.js';
import { photoPreview } from '../photo-preview.js';
import { formatTable } from '../text-table.js';
import { printJson, type CommandContext } from './context.js';

/**
 * `pertouch parse INSTRUCTION`: what an instruction asks for, as the agent will read it —
 * the rule engine, or the VLM when PERTOUCH_VLM_URL is set (falling back to the rules, with
 * a warning on stderr). --json prints the parse result exactly. With --photo the VLM sees
 * the photo (its preview, as in the service) and may box the objects it names; the boxes
 * are printed in the photo's pixels.
 */
export async function parseCommand(ctx: CommandContext): Promise<void> {
  const warn = (line: LogLine) => {
    if (line.event === 'instructions.vlm_fallback') ctx.io.stderr.write(`pertouch: warning: the VLM failed (${String(line.reason)}: ${String(line.detail)}); parsed by the rule engine\n`);
  };
  let parser;
  try {
    parser = createInstructionParser(ctx.io.env, { log: warn });
  } catch (error) {
    if (error instanceof EnvConfigError) throw new CliError('config.invalid_vlm', error.problems.join('; '));
    throw error;
  }
  const photo = ctx.line.options.photo === undefined ? undefined : await photoPreview(ctx.line.options.photo, ctx.config.maxPixels);
  const parsed = await parser.parse(ctx.line.image, photo ? { image: { data: photo.data, mediaType: 'image/jpeg', width: photo.width, height: photo.height } } : undefined);
  const result = photo && parsed.type === 'strong' ? { ...parsed, edits: scaleEditBoxes(parsed.edits, photo, photo.photo) } : parsed;
  if (ctx.line.options.json) printJson(ctx, result);
  else ctx.io.stdout.write(describe(result));
}

const signed = (x: number) => `${x > 0 ? '+' : ''}${x.toFixed(2)}`;

function describe(result: ParseResult): string {
  const lines: string[] = [];
  if (result.type === 'weak') {
    lines.push('weak instruction: no specific change asked; the automatic look decides (tailored to what the user confirmed before)');
  } else {
    const withExcept = result.edits.some((e) => e.except);
    const withBox = result.edits.some((e) => e.box);
    const rows = [['region', 'attribute', 'delta', ...(withExcept ? ['except'] : []), ...(withBox ? ['box (x0,y0,x1,y1)'] : [])]];
    for (const e of result.edits) {
      const except = withExcept ? [e.except?.join(', ') ?? ''] : [];
      const box = withBox ? [e.box ? `${e.box.x0},${e.box.y0},${e.box.x1},${e.box.y1}` : ''] : [];
      rows.push([e.region, e.attribute, signed(e.delta), ...except, ...box]);
    }
    lines.push(`strong instruction: ${result.edits.length} edit${result.edits.length === 1 ? '' : 's'}`, '', formatTable(rows, ['left', 'left', 'right']));
  }
  for (const note of result.notes ?? []) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
