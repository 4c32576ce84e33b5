/**
 * Prompted masks for engines that answer prompts from their automatic segmentation
 * (the embedded engine): a point picks the region under it, a box the regions mostly
 * inside it, a word the regions it names, "shadows"/"highlights" a tonal mask.
 */
import type { RgbImage } from '@pertouch/imaging';
import { SegmentationError } from './errors.js';
import { tonalMask } from './tonal.js';
import { assertPointInside } from './validate.js';
import type { Box, LabelledSegmentation, Mask, Prompt, TonalLabel } from './types.js';
import { canonicalTerm, resolveLabel } from './vocabulary.js';

/** A box takes the regions with at least this share of their area inside it. */
const BOX_REGION_SHARE = 0.5;

/** Validates a box and clips it to the image; a box entirely outside is an error. */
export function clipBox(image: { width: number; height: number }, box: Box): Box {
  const { x0, y0, x1, y1 } = box;
  if (![x0, y0, x1, y1].every(Number.isFinite) || x1 <= x0 || y1 <= y0) {
    throw new SegmentationError('invalid_prompt', `a box needs x0 < x1 and y0 < y1 (got ${x0},${y0},${x1},${y1})`);
  }
  if (x1 <= 0 || y1 <= 0 || x0 >= image.width || y0 >= image.height) {
    throw new SegmentationError('prompt_outside_image', `box ${x0},${y0},${x1},${y1} is outside the ${image.width}×${image.height} image`);
  }
  return { x0: Math.max(0, Math.floor(x0)), y0: Math.max(0, Math.floor(y0)), x1: Math.min(image.width, Math.ceil(x1)), y1: Math.min(image.height, Math.ceil(y1)) };
}

export async function promptMask(image: RgbImage, prompt: Prompt, auto: () => Promise<LabelledSegmentation>): Promise<Mask> {
  const { width, height } = image;
  switch (prompt.kind) {
    case 'label': {
      const term = canonicalTerm(prompt.word);
      if (term === 'shadows' || term === 'highlights') return tonalMask(image, term as TonalLabel);
      const seg = await auto();
      const ids = resolveLabel(seg, prompt.word);
      if (ids.length === 0) {
        const found = [...new Set(seg.regions.map((r) => r.label))].join(', ');
        throw new SegmentationError('label_not_found', `no region matches "${prompt.word}" in this image (its regions: ${found})`);
      }
      return regionsMask(seg, new Set(ids));
    }
    case 'point':
    case 'points': {
      const points = prompt.kind === 'point' ? [{ x: prompt.x, y: prompt.y, positive: prompt.positive ?? true }] : prompt.points;
      if (points.length === 0) throw new SegmentationError('invalid_prompt', 'a points prompt needs at least one point');
      for (const p of points) assertPointInside(p.x, p.y, width, height);
      const seg = await auto();
      const at = (p: { x: number; y: number }) => seg.labels[Math.floor(p.y) * width + Math.floor(p.x)];
      const include = new Set(points.filter((p) => p.positive).map(at));
      for (const p of points) if (!p.positive) include.delete(at(p));
      return regionsMask(seg, include);
    }
    case 'box': {
      const box = clipBox(image, prompt.box);
      const seg = await auto();
      const inside = new Float64Array(256);
      for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) inside[seg.labels[y * width + x]]++;
      let ids = seg.regions.filter((r) => inside[r.id] >= BOX_REGION_SHARE * r.area).map((r) => r.id);
      // Nothing mostly inside: the region filling most of the box, cut to the box.
      if (ids.length === 0) ids = [inside.indexOf(Math.max(...inside))];
      const mask = regionsMask(seg, new Set(ids));
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) if (x < box.x0 || x >= box.x1 || y < box.y0 || y >= box.y1) mask.data[y * width + x] = 0;
      }
      return mask;
    }
    default:
      throw new SegmentationError('invalid_prompt', `unknown prompt kind ${(prompt as { kind: string }).kind}`);
  }
}

export function regionsMask(seg: Pick<LabelledSegmentation, 'width' | 'height' | 'labels'>, ids: ReadonlySet<number>): Mask {
  const data = new Uint8Array(seg.width * seg.height);
  for (let i = 0; i < data.length; i++) if (ids.has(seg.labels[i])) data[i] = 255;
  return { width: seg.width, height: seg.height, data };
}
