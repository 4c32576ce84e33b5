/**
 * Targets given as shifts (contracts' RegionTargetsSchema) → absolute values, from the
 * as-shot scores of the regions as they will be rendered (after `regionGroups`): the same
 * working-size analysis the renderer makes, so "as shot + 0.1" is exactly what the
 * report's `asShot` + 0.1 says. Only rounds with shifts pay for the extra analysis.
 */
import type { RegionTargets } from '@pertouch/contracts';
import { prepareImage, type CalibrationTable, type RgbImage, type Segmentation } from '@pertouch/imaging';

export function hasShifts(targets: RegionTargets): boolean {
  return targets.some((t) => t.shifts && Object.keys(t.shifts).length > 0);
}

const clamp = (x: number) => Math.max(-1, Math.min(1, x));

/** Every shift as an absolute value; a region too small to measure keeps only its values (the renderer then refuses it). */
export function resolveShifts(targets: RegionTargets, image: RgbImage, segmentation: Segmentation, table: CalibrationTable): RegionTargets {
  if (!hasShifts(targets)) return targets;
  const asShot = new Map(prepareImage(image, segmentation, table).regions.map((r) => [r.id, r.values]));
  return targets.map(({ id, values, shifts }) => {
    const measured = asShot.get(id);
    if (!shifts || !measured) return { id, values: { ...values } };
    const resolved = { ...values };
    for (const [attribute, shift] of Object.entries(shifts) as [keyof typeof shifts, number][]) resolved[attribute] = clamp(measured[attribute] + shift);
    return { id, values: resolved };
  });
}
