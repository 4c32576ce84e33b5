import { uniformMap } from '@pertouch/imaging';
import type { CommandContext } from './context.js';
import { renderToFile } from './render-to-file.js';

/** All four attributes at 0 in every region: the median look of the calibration corpus. */
export const AUTO_MAP = uniformMap({ colorfulness: 0, contrast: 0, temperature: 0, brightness: 0 });

/** `pertouch auto IMAGE -o OUT`: retouches every region to the corpus-median look. */
export async function auto(ctx: CommandContext): Promise<void> {
  await renderToFile(ctx, () => AUTO_MAP);
}
