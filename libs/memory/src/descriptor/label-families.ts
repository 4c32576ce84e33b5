/**
 * Region labels grouped into a fixed list of families, so that the descriptor has one
 * slot per family whatever the segmenter calls a region ("bird" and "dog" are both an
 * animal; "road" is ground). The list is part of the descriptor's definition
 * (embedded-v1): changing it changes the kind.
 */

export const LABEL_FAMILIES = [
  'sky',
  'cloud',
  'vegetation',
  'water',
  'ground',
  'building',
  'person',
  'face-skin',
  'animal',
  'vehicle',
  'food',
  'subject',
  'background',
  'other',
] as const;
export type LabelFamily = (typeof LABEL_FAMILIES)[number];

// The segmentation vocabulary (libs/segmentation REGION_LABELS) and COCO names
// (COCO_SUPERCATEGORIES), copied rather than imported: the memory must not change its
// vectors when the segmenter's vocabulary grows, and it does not depend on the segmenter.
const MEMBERS: Record<Exclude<LabelFamily, 'other'>, readonly string[]> = {
  sky: ['sky'],
  cloud: ['cloud'],
  vegetation: ['vegetation', 'potted plant', 'broccoli'],
  water: ['water'],
  ground: ['ground', 'road'],
  building: ['building'],
  person: ['person', 'hair'],
  'face-skin': ['face', 'skin'],
  animal: ['animal', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe'],
  vehicle: ['vehicle', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat'],
  food: ['food', 'banana', 'apple', 'sandwich', 'orange', 'carrot', 'hot dog', 'pizza', 'donut', 'cake'],
  subject: ['subject'],
  background: ['background'],
};

const FAMILY_OF = new Map<string, LabelFamily>();
for (const [family, labels] of Object.entries(MEMBERS)) for (const label of labels) FAMILY_OF.set(label, family as LabelFamily);

/** The family of a region label (case-insensitive); anything unknown is "other". */
export function labelFamily(label: string): LabelFamily {
  return FAMILY_OF.get(label.trim().toLowerCase()) ?? 'other';
}
