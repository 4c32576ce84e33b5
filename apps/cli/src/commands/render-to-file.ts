import { MapValidationError, TooManyRegionsError, type ParameterMap, type RenderResult, type RgbImage } from '@pertouch/imaging';
import { RenderPool, renderParallel } from '@pertouch/render-pool';
import { writeFileAtomic } from '../atomic-write.js';
import { CliError } from '../errors.js';
import { encodeImage } from '../image-io.js';
import { mapError } from '../map-io.js';
import { outputFormatOf, parseQuality, SIXTEEN_BIT_FORMATS, type OutputFormat } from '../output-format.js';
import { renderReportTable } from '../report-table.js';
import { printJson, type CommandContext } from './context.js';
import { describeImage, loadInputs, type Inputs } from './inputs.js';

/** The output checks that need no decoding: run them first, so bad usage fails fast. */
export function outputSettings(ctx: CommandContext): { path: string; format: OutputFormat; quality: number } {
  const { output, quality } = ctx.line.options;
  if (output === undefined) throw new CliError('usage.missing_output', `${ctx.line.command}: missing -o OUT (the output image)`);
  return { path: output, format: outputFormatOf(output), quality: parseQuality(quality) };
}

/** Below this many pixels, threads cost more to start than they save. */
const PARALLEL_MIN_PIXELS = 2_000_000;

/** The library's render (its full-resolution passes on all cores), with input errors turned into CliErrors. */
async function renderChecked(inputs: Inputs, map: ParameterMap, threads: number | undefined): Promise<RenderResult> {
  const { image } = inputs.decoded;
  const pool = RenderPool.create(image.width * image.height < PARALLEL_MIN_PIXELS ? 1 : threads);
  try {
    return await renderParallel(pool, image, inputs.segmentation, map, inputs.table);
  } catch (error) {
    if (error instanceof MapValidationError) {
      // The ids were checked against the segmentation, so the region vanished when the
      // labels were resampled to the working size: it is too small to measure.
      if (error.code === 'unknown_region') {
        return fail('map.unknown_region', `${error.message} at the working size (too small to measure; merge it into a neighbour)`);
      }
      throw mapError(error);
    }
    if (error instanceof TooManyRegionsError) return fail('map.too_many_regions', error.message);
    throw error;
  } finally {
    await pool.close();
  }
}

function fail(code: string, message: string): never {
  throw new CliError(code, message);
}

const bitDepthOf = (image: RgbImage, format: OutputFormat): 8 | 16 => (image.data instanceof Uint16Array && SIXTEEN_BIT_FORMATS.has(format) ? 16 : 8);

/**
 * Shared by `render` and `auto`: loads the inputs, builds the map (given the region
 * ids), renders, writes the output atomically and prints the report.
 */
export async function renderToFile(ctx: CommandContext, mapFor: (regionIds: ReadonlySet<number>) => ParameterMap): Promise<void> {
  const output = outputSettings(ctx);
  const inputs = await loadInputs(ctx);
  const { image, report } = await renderChecked(inputs, mapFor(inputs.regionIds), ctx.config.threads);
  await writeFileAtomic(output.path, await encodeImage(image, output));
  const written = { path: output.path, format: output.format, width: image.width, height: image.height, bitDepth: bitDepthOf(image, output.format) };
  if (ctx.line.options.json) {
    printJson(ctx, { output: written, ...report });
    return;
  }
  ctx.io.stdout.write(
    `${ctx.line.image}: ${describeImage(inputs.decoded)}, measured at ${report.workingSize.width}×${report.workingSize.height}, calibration ${report.calibration}\n\n` +
      `${renderReportTable(report)}\n\n` +
      `wrote ${written.path} (${written.width}×${written.height} ${written.bitDepth}-bit ${written.format.toUpperCase()}, sRGB)\n`,
  );
}
