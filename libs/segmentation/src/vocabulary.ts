/**
 * The words language uses for regions, and how they relate.
 *
 * Every word resolves to a canonical term: a vocabulary label (sky, person…), a COCO
 * category name (bird, dog…) or a tonal label. Terms form a small hierarchy so that
 * "the animal" finds a region a detector called "bird", "the eagle" finds "bird" (or a
 * region only known as "animal"), "the person" includes the face and skin, and "the sky"
 * includes its clouds.
 */
import { SegmentationError } from './errors.js';
import { REGION_LABELS, TONAL_LABELS, type LabelledSegmentation } from './types.js';

/** COCO 2017 categories by supercategory (Lin et al. 2014, the 80 detection classes). */
export const COCO_SUPERCATEGORIES: Record<string, readonly string[]> = {
  person: ['person'],
  vehicle: ['bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat'],
  outdoor: ['traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench'],
  animal: ['bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe'],
  accessory: ['backpack', 'umbrella', 'handbag', 'tie', 'suitcase'],
  sports: ['frisbee', 'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket'],
  kitchen: ['bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl'],
  food: ['banana', 'apple', 'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake'],
  furniture: ['chair', 'couch', 'potted plant', 'bed', 'dining table', 'toilet'],
  electronic: ['tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone'],
  appliance: ['microwave', 'oven', 'toaster', 'sink', 'refrigerator'],
  indoor: ['book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush'],
};

/** Parent of each term that has one. */
const PARENT: Record<string, string> = { cloud: 'sky', face: 'person', skin: 'person', hair: 'person' };
for (const [superCategory, names] of Object.entries(COCO_SUPERCATEGORIES)) {
  for (const name of names) if (name !== superCategory) PARENT[name] = superCategory;
}

/** Words for terms (canonical term → words). Plurals of these are found automatically. */
const SYNONYMS: Record<string, readonly string[]> = {
  sky: ['heaven', 'heavens', 'skyline'],
  cloud: ['cloudy'],
  water: ['sea', 'ocean', 'lake', 'river', 'stream', 'pond', 'wave', 'waterfall', 'creek', 'brook'],
  vegetation: ['tree', 'forest', 'foliage', 'leaf', 'grass', 'plant', 'bush', 'greenery', 'meadow', 'lawn', 'woods', 'shrub', 'flower'],
  ground: ['earth', 'soil', 'dirt', 'sand', 'floor', 'terrain', 'land', 'rock', 'stone', 'mountain', 'hill', 'field', 'beach'],
  road: ['street', 'path', 'pavement', 'asphalt', 'trail', 'sidewalk', 'highway'],
  building: ['house', 'city', 'architecture', 'wall', 'tower', 'skyscraper', 'church', 'facade'],
  person: ['people', 'man', 'men', 'woman', 'women', 'boy', 'girl', 'child', 'children', 'kid', 'guy', 'lady', 'human', 'astronaut', 'model', 'body'],
  face: ['head', 'portrait'],
  skin: ['skin tone', 'complexion', 'skintone'],
  animal: ['pet', 'creature', 'wildlife', 'insect', 'dragonfly'],
  bird: ['eagle', 'sparrow', 'pigeon', 'parrot', 'owl', 'nuthatch', 'kleiber', 'robin', 'gull', 'seagull', 'duck', 'hawk'],
  dog: ['puppy', 'hound', 'spaniel', 'doggy'],
  cat: ['kitten', 'kitty'],
  car: ['automobile'],
  boat: ['ship'],
  airplane: ['plane', 'aircraft', 'aeroplane'],
  subject: ['main subject', 'foreground', 'object'],
  background: ['backdrop', 'surroundings'],
  shadows: ['shadow', 'dark areas', 'darks', 'lows'],
  highlights: ['highlight', 'bright areas', 'brights', 'lights'],
};

const TERMS = new Set<string>([...REGION_LABELS, ...TONAL_LABELS, ...Object.keys(PARENT), ...Object.keys(COCO_SUPERCATEGORIES)]);
const WORD_TO_TERM = new Map<string, string>();
for (const term of TERMS) WORD_TO_TERM.set(term, term);
for (const [term, words] of Object.entries(SYNONYMS)) for (const w of words) WORD_TO_TERM.set(w, term);

const DETERMINERS = new Set(['the', 'a', 'an', 'her', 'his', 'their', 'my', 'your', 'its', 'our', 'this', 'that', 'these', 'those', 'all', 'some']);

/** Singular candidates for an English plural, most likely first. */
export function singulars(word: string): string[] {
  const out: string[] = [];
  if (word.endsWith('ies')) out.push(word.slice(0, -3) + 'y');
  if (word.endsWith('ves')) out.push(word.slice(0, -3) + 'f', word.slice(0, -3) + 'fe');
  if (word.endsWith('es')) out.push(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss')) out.push(word.slice(0, -1));
  return out;
}

/** The canonical term for a phrase ("the trees" → vegetation, "eagle" → bird), or undefined. */
export function canonicalTerm(phrase: string): string | undefined {
  const words = phrase.toLowerCase().replace(/[^a-z\s'-]/g, ' ').replace(/'s\b/g, '').split(/\s+/).filter(Boolean);
  while (words.length > 1 && DETERMINERS.has(words[0])) words.shift();
  const text = words.join(' ');
  const tries = [text, ...singulars(text)];
  // "her face" with an unknown leading word: fall back to the last word.
  if (words.length > 1) tries.push(words[words.length - 1], ...singulars(words[words.length - 1]));
  for (const t of tries) {
    const term = WORD_TO_TERM.get(t);
    if (term) return term;
  }
  return undefined;
}

/** The term and its ancestors, nearest first: bird → [bird, animal]. */
export function lineage(term: string): string[] {
  const out = [term];
  for (let p = PARENT[term]; p !== undefined; p = PARENT[p]) out.push(p);
  return out;
}

/** Does a region labelled `regionLabel` answer a request for `term`? */
export function labelMatches(regionLabel: string, term: string): boolean {
  // The region is the thing or a kind of it (region "bird", term "animal"), or only
  // known by a broader name (region "animal", term "bird").
  return lineage(regionLabel).includes(term) || lineage(term).includes(regionLabel);
}

/**
 * Region ids that a word refers to. Unknown words throw `unknown_label`; a known word
 * with no matching region returns []. A thing word (a person, an animal, a COCO object)
 * with no matching region falls back to the regions labelled `subject`.
 */
export function resolveLabel(segmentation: Pick<LabelledSegmentation, 'regions'>, phrase: string): number[] {
  const term = canonicalTerm(phrase);
  if (!term) throw new SegmentationError('unknown_label', `unknown region word "${phrase}" (try: ${REGION_LABELS.join(', ')}, shadows, highlights, or a COCO object name)`);
  if ((TONAL_LABELS as readonly string[]).includes(term)) return [];
  const ids = segmentation.regions.filter((r) => labelMatches(r.label, term)).map((r) => r.id);
  if (ids.length > 0 || !isThing(term)) return ids;
  return segmentation.regions.filter((r) => r.label === 'subject').map((r) => r.id);
}

/** Things are countable objects a detector or saliency finds, as opposed to stuff. */
export function isThing(term: string): boolean {
  return lineage(term).at(-1)! in COCO_SUPERCATEGORIES;
}
