import { writeFileAtomic } from '../atomic-write.js';
import { decodeImage } from '../image-io.js';
import { CliError } from '../errors.js';
import { renderOverlay } from '../overlay.js';
import { encodeGreyPng } from '../grey-png.js';
import { createSegmentationEngine } from '../segmentation-engine.js';
import { printJson, type CommandContext } from './context.js';
import { describeImage } from './inputs.js';
import { parsePrompt } from './segment-prompt.js';
import type { LabelledSegmentation } from '@pertouch/segmentation';

/**
 * `pertouch segment IMAGE`: automatic labelled regions (-o LABELS.png: region ids), or
 * with --point/--box/--label a prompted mask (-o MASK.png: 0/255); --overlay draws the
 * regions for people to look at.
 */
export async function segment(ctx: CommandContext): Promise<void> {
  const { options, image: path } = ctx.line;
  const prompt = parsePrompt(options);
  if (prompt && options.overlay !== undefined) throw new CliError('usage.invalid_option', 'segment: --overlay draws the automatic regions; it does not combine with a prompt');
  const engine = await createSegmentationEngine(options.engine ?? ctx.io.env.PERTOUCH_SEGMENT_ENGINE ?? 'embedded', ctx.io.env);
  const decoded = await decodeImage(path, ctx.config.maxPixels);
  const { image } = decoded;
  const started = performance.now();
  if (prompt) {
    const mask = await engine.segmentPrompt(image, prompt);
    if (options.output !== undefined) await writeFileAtomic(options.output, await encodeGreyPng(mask.data, mask.width, mask.height));
    let inside = 0;
    for (let i = 0; i < mask.data.length; i++) if (mask.data[i] >= 128) inside++;
    const summary = { engine: `${engine.name}@${engine.version}`, prompt, width: mask.width, height: mask.height, coverage: round(inside / mask.data.length), ms: Math.round(performance.now() - started) };
    if (options.json) printJson(ctx, summary);
    else ctx.io.stdout.write(`${path}: ${describeImage(decoded)}; mask covers ${(summary.coverage * 100).toFixed(1)} % (${summary.engine}, ${summary.ms} ms)\n`);
    return;
  }
  const seg = await engine.segmentAuto(image);
  const ms = Math.round(performance.now() - started);
  if (options.output !== undefined) await writeFileAtomic(options.output, await encodeGreyPng(seg.labels, seg.width, seg.height));
  if (options.overlay !== undefined) {
    const rgb = image.data instanceof Uint16Array ? Uint8Array.from(image.data, (v) => v >> 8) : image.data;
    await writeFileAtomic(options.overlay, await renderOverlay(rgb, seg));
  }
  if (options.json) printJson(ctx, { engine: seg.engine, width: seg.width, height: seg.height, unavailable: seg.unavailable, regions: seg.regions, ms });
  else ctx.io.stdout.write(`${path}: ${describeImage(decoded)}, ${seg.regions.length} regions (${seg.engine}, ${ms} ms)\n\n${regionTable(seg)}\n`);
}

function regionTable(seg: LabelledSegmentation): string {
  const total = seg.width * seg.height;
  const rows = [['id', 'label', 'conf', 'area', 'box (x0,y0,x1,y1)']];
  for (const r of seg.regions) {
    rows.push([String(r.id), r.label, r.confidence.toFixed(2), `${((100 * r.area) / total).toFixed(1)} %`, `${r.bbox.x0},${r.bbox.y0},${r.bbox.x1},${r.bbox.y1}`]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const lines = rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
  if (seg.unavailable.length > 0) lines.push('', `unavailable without optional models: ${seg.unavailable.join(', ')} (see docs/models.md)`);
  return lines.join('\n');
}

const round = (x: number) => Math.round(x * 1000) / 1000;
