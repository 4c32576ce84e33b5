/**
 * Boxes a VLM drew on the image it was shown (ParseContext.image, usually a downscaled
 * preview) → the same boxes in another size of that image (the original): one factor per
 * axis, rounded outward so the object stays inside, clipped to the target size.
 */
import type { Edit } from './schema.js';

export type Box = NonNullable<Edit['box']>;

interface Size {
  readonly width: number;
  readonly height: number;
}

export function scaleBox(box: Box, from: Size, to: Size): Box {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return {
    x0: Math.max(0, Math.floor(box.x0 * sx)),
    y0: Math.max(0, Math.floor(box.y0 * sy)),
    x1: Math.min(to.width, Math.ceil(box.x1 * sx)),
    y1: Math.min(to.height, Math.ceil(box.y1 * sy)),
  };
}

/** The edits with their boxes scaled (edits without one are returned as they are). */
export function scaleEditBoxes(edits: readonly Edit[], from: Size, to: Size): Edit[] {
  return edits.map((edit) => (edit.box ? { ...edit, box: scaleBox(edit.box, from, to) } : edit));
}
