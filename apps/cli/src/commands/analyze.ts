import { asShotMap, prepareImage, toSparseMap } from '@pertouch/imaging';
import { analysisTable } from '../report-table.js';
import { printJson, type CommandContext } from './context.js';
import { describeImage, loadInputs } from './inputs.js';

/** `pertouch analyze IMAGE`: the as-shot map, per region. */
export async function analyze(ctx: CommandContext): Promise<void> {
  const { table, decoded, segmentation } = await loadInputs(ctx);
  const prepared = prepareImage(decoded.image, segmentation, table);
  const workingSize = { width: prepared.work.width, height: prepared.work.height };
  if (ctx.line.options.json) {
    printJson(ctx, {
      map: toSparseMap(asShotMap(prepared)),
      regions: prepared.regions.map(({ id, area, raw }) => ({ id, area, raw })),
      workingSize,
      calibration: table.version,
    });
    return;
  }
  ctx.io.stdout.write(
    `${ctx.line.image}: ${describeImage(decoded)}, measured at ${workingSize.width}×${workingSize.height}, calibration ${table.version}\n\n` +
      `${analysisTable(prepared.regions)}\n`,
  );
}
