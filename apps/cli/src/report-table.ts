import { ATTRIBUTES, type RegionAnalysis, type RenderReport } from '@pertouch/imaging';
import { formatTable } from './text-table.js';

/** A normalised value, signed, 3 decimals: "+0.152", "-0.080". */
export const signed = (v: number): string => (v >= 0 ? '+' : '') + v.toFixed(3);
const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** The as-shot table: per region and attribute, the raw score and its normalised value. */
export function analysisTable(regions: readonly RegionAnalysis[]): string {
  const rows: string[][] = [['region', 'area', 'attribute', 'raw', 'value']];
  for (const r of regions) {
    ATTRIBUTES.forEach((a, i) => rows.push([i === 0 ? String(r.id) : '', i === 0 ? percent(r.area) : '', a, r.raw[a].toFixed(2), signed(r.values[a])]));
  }
  return formatTable(rows, ['right', 'right', 'left', 'right', 'right']);
}

/** The render report: per region and attribute, as-shot, target, achieved and the clipped flag. */
export function renderReportTable(report: RenderReport): string {
  const rows: string[][] = [['region', 'area', 'attribute', 'as-shot', 'target', 'achieved', 'clipped']];
  for (const r of report.regions) {
    ATTRIBUTES.forEach((a, i) => {
      const head = i === 0 ? [String(r.id), percent(r.area)] : ['', i === 1 && !r.edited ? '(unchanged)' : ''];
      rows.push([...head, a, signed(r.asShot[a]), signed(r.target[a]), signed(r.achieved[a]), r.clipped[a] ? 'clipped' : '']);
    });
  }
  return formatTable(rows, ['right', 'right', 'left', 'right', 'right', 'right', 'left']);
}
