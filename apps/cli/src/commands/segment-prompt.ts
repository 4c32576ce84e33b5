import type { Prompt } from '@pertouch/segmentation';
import type { CommandOptions } from '../args.js';
import { CliError } from '../errors.js';

function numbers(text: string, count: number, option: string, shape: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  if (parts.length !== count || parts.some((p) => p === '') || values.some((v) => !Number.isFinite(v))) {
    throw new CliError('usage.invalid_option', `--${option} takes ${shape} (got "${text}")`);
  }
  return values;
}

/** --point x,y (a leading "-" in "--point=-x,y" is not allowed: use --box for exclusions), --box, --label. */
export function parsePrompt(options: CommandOptions): Prompt | undefined {
  const given = [options.point, options.box, options.label].filter((v) => v !== undefined);
  if (given.length > 1) throw new CliError('usage.invalid_option', 'segment: give only one of --point, --box, --label');
  if (options.point !== undefined) {
    const [x, y] = numbers(options.point, 2, 'point', 'x,y in pixels');
    return { kind: 'point', x, y, positive: true };
  }
  if (options.box !== undefined) {
    const [x0, y0, x1, y1] = numbers(options.box, 4, 'box', 'x0,y0,x1,y1 in pixels');
    return { kind: 'box', box: { x0, y0, x1, y1 } };
  }
  if (options.label !== undefined) return { kind: 'label', word: options.label };
  return undefined;
}
