/**
 * Turns a PerTouch prompt into the point set SAM's decoder takes, in the model frame.
 *
 * Conventions of segment-anything's ONNX decoder (SamOnnxModel / its notebook):
 * labels 1 = positive click, 0 = negative click, 2 / 3 = top-left / bottom-right box
 * corner, -1 = padding. A point prompt without a box gets one padding point (0, 0) with
 * label -1, because the decoder was trained to see a box slot.
 */
import { SegmentationError } from '../errors.js';
import type { Box, Prompt } from '../types.js';
import { assertPointInside } from '../validate.js';
import type { SamDecoderPrompt, Size } from './sam-model.js';
import { toModelX, toModelY } from './preprocess.js';

export const LABEL_NEGATIVE = 0;
export const LABEL_POSITIVE = 1;
export const LABEL_BOX_TOP_LEFT = 2;
export const LABEL_BOX_BOTTOM_RIGHT = 3;
export const LABEL_PADDING = -1;

/** A point in image pixels with its SAM label. */
interface LabelledPoint {
  readonly x: number;
  readonly y: number;
  readonly label: number;
}

/** A geometric prompt (anything but 'label'). */
export type GeometricPrompt = Exclude<Prompt, { kind: 'label' }>;

/**
 * The decoder points of `prompt` for an image of `image` size whose model frame is
 * `resized` (preprocess.ts resizedSizeOf). Throws 'prompt_outside_image' for a point or
 * box corner off the image, 'invalid_prompt' for an empty point list, a non-finite
 * coordinate or an empty box.
 */
export function decoderPrompt(prompt: GeometricPrompt, image: Size, resized: Size): SamDecoderPrompt {
  return toDecoderPrompt(labelledPoints(prompt, image), image, resized);
}

/** One positive click per point, with the padding point: the automatic grid's prompt. */
export function singleClickPrompt(x: number, y: number, image: Size, resized: Size): SamDecoderPrompt {
  return toDecoderPrompt([{ x, y, label: LABEL_POSITIVE }, { x: 0, y: 0, label: LABEL_PADDING }], image, resized);
}

function labelledPoints(prompt: GeometricPrompt, image: Size): LabelledPoint[] {
  switch (prompt.kind) {
    case 'point':
      assertPointInside(prompt.x, prompt.y, image.width, image.height);
      return [{ x: prompt.x, y: prompt.y, label: prompt.positive === false ? LABEL_NEGATIVE : LABEL_POSITIVE }, paddingPoint()];
    case 'points': {
      if (prompt.points.length === 0) throw new SegmentationError('invalid_prompt', 'a points prompt needs at least one point');
      const points = prompt.points.map((p) => {
        assertPointInside(p.x, p.y, image.width, image.height);
        return { x: p.x, y: p.y, label: p.positive ? LABEL_POSITIVE : LABEL_NEGATIVE };
      });
      return [...points, paddingPoint()];
    }
    case 'box':
      assertBoxInside(prompt.box, image);
      return [
        { x: prompt.box.x0, y: prompt.box.y0, label: LABEL_BOX_TOP_LEFT },
        { x: prompt.box.x1, y: prompt.box.y1, label: LABEL_BOX_BOTTOM_RIGHT },
      ];
    default:
      throw new SegmentationError('invalid_prompt', `unknown prompt kind ${(prompt as { kind: unknown }).kind}`);
  }
}

function paddingPoint(): LabelledPoint {
  return { x: 0, y: 0, label: LABEL_PADDING };
}

/**
 * A box is inclusive-exclusive pixels, so its corners are the edge coordinates
 * (x0, y0) and (x1, y1) with 0 ≤ x0 < x1 ≤ width (likewise y): exactly SAM's XYXY box.
 */
function assertBoxInside(box: Box, image: Size): void {
  const values = [box.x0, box.y0, box.x1, box.y1];
  if (!values.every(Number.isFinite)) throw new SegmentationError('invalid_prompt', `box coordinates must be finite numbers (got ${values.join(', ')})`);
  if (box.x1 <= box.x0 || box.y1 <= box.y0) throw new SegmentationError('invalid_prompt', `box is empty (x0 ${box.x0}, x1 ${box.x1}, y0 ${box.y0}, y1 ${box.y1})`);
  if (box.x0 < 0 || box.y0 < 0 || box.x1 > image.width || box.y1 > image.height) {
    throw new SegmentationError('prompt_outside_image', `box (${values.join(', ')}) is outside the ${image.width}×${image.height} image`);
  }
}

function toDecoderPrompt(points: readonly LabelledPoint[], image: Size, resized: Size): SamDecoderPrompt {
  const coords = new Float32Array(points.length * 2);
  const labels = new Float32Array(points.length);
  points.forEach((p, i) => {
    // The padding point stays at (0, 0) in every frame.
    coords[2 * i] = toModelX(p.x, image.width, resized.width);
    coords[2 * i + 1] = toModelY(p.y, image.height, resized.height);
    labels[i] = p.label;
  });
  return { coords, labels };
}
