/**
 * Cross-checks detections from independent models before they name regions. The
 * person-segmentation model (selfie) fires on dogs and cats, and the face detector on
 * animal faces; the COCO detector tells people from animals. So: a person mask counts
 * where a COCO "person" box holds most of it, or where a face lies inside it and no
 * COCO animal covers it (only when no COCO detector ran: a face detector also fires on
 * coffee cups); a face counts inside a counted person, never inside an animal.
 */
import type { Box, Mask, ThingDetection } from '../types.js';
import { COCO_SUPERCATEGORIES } from '../vocabulary.js';

const ANIMALS = new Set(COCO_SUPERCATEGORIES.animal);
/** Share of a person mask a COCO person box must hold to confirm it. */
const CONFIRMING_SHARE = 0.5;

export interface ReconcileOptions {
  /** A COCO detector ran, so a person must have its COCO box (faces alone do not confirm). */
  readonly cocoRan?: boolean;
}

export function reconcileDetections(detections: readonly ThingDetection[], image: { width: number; height: number }, options: ReconcileOptions = {}): ThingDetection[] {
  const people = detections.filter((d) => d.label === 'person' && d.box);
  const animals = detections.filter((d) => ANIMALS.has(d.label) && d.box);
  const masks = detections.filter((d) => d.label === 'person' && d.mask && !d.box);
  const faces = detections.filter((d) => d.label === 'face');
  const confirmedMasks = masks.filter((m) => {
    if (people.some((p) => maskShareInBox(m.mask!, p.box!, image) >= CONFIRMING_SHARE)) return true;
    const inAnimal = animals.some((a) => maskShareInBox(m.mask!, a.box!, image) >= CONFIRMING_SHARE);
    return !options.cocoRan && !inAnimal && faces.some((f) => f.box && maskValueAt(m.mask!, centre(f.box), image) >= 128);
  });
  const insidePerson = (box: Box) => {
    const c = centre(box);
    return confirmedMasks.some((m) => maskValueAt(m.mask!, c, image) >= 128) || people.some((p) => contains(p.box!, c));
  };
  const insideAnimal = (box: Box) => animals.some((a) => contains(a.box!, centre(box)));
  return detections.filter((d) => {
    if (d.label === 'person' && d.mask && !d.box) return confirmedMasks.includes(d);
    if (d.label === 'face') return !!d.box && insidePerson(d.box) && !insideAnimal(d.box);
    return true;
  });
}

const centre = (b: Box) => ({ x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2 });
const contains = (b: Box, p: { x: number; y: number }) => p.x >= b.x0 && p.x < b.x1 && p.y >= b.y0 && p.y < b.y1;

function maskValueAt(mask: Mask, p: { x: number; y: number }, image: { width: number; height: number }): number {
  const mx = Math.min(mask.width - 1, Math.max(0, Math.floor((p.x / image.width) * mask.width)));
  const my = Math.min(mask.height - 1, Math.max(0, Math.floor((p.y / image.height) * mask.height)));
  return mask.data[my * mask.width + mx];
}

/** Share of a soft mask's mass inside a box (image coordinates). */
export function maskShareInBox(mask: Mask, box: Box, image: { width: number; height: number }): number {
  const sx = mask.width / image.width, sy = mask.height / image.height;
  const x0 = Math.floor(box.x0 * sx), x1 = Math.ceil(box.x1 * sx), y0 = Math.floor(box.y0 * sy), y1 = Math.ceil(box.y1 * sy);
  let inside = 0, total = 0;
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      const v = mask.data[y * mask.width + x];
      total += v;
      if (x >= x0 && x < x1 && y >= y0 && y < y1) inside += v;
    }
  }
  return total > 0 ? inside / total : 0;
}
