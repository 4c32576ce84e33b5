import { readMapFile, validateMap } from '../map-io.js';
import type { CommandContext } from './context.js';
import { outputSettings, renderToFile } from './render-to-file.js';
import { CliError } from '../errors.js';

/** `pertouch render IMAGE --map MAP.json -o OUT`: renders a parameter map. */
export async function renderCommand(ctx: CommandContext): Promise<void> {
  const { map } = ctx.line.options;
  if (map === undefined) throw new CliError('usage.missing_map', 'render: missing --map MAP.json (the parameter map)');
  outputSettings(ctx);
  // Read and check the map before decoding the photo; region ids are checked once known.
  const value = await readMapFile(map);
  await renderToFile(ctx, (regionIds) => validateMap(value, regionIds));
}
