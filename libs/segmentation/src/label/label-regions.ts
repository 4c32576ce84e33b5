/**
 * Names regions. Detected things (person, face, dog…) name the regions they claim;
 * every other region gets a stuff label from its colour, texture and position, then a
 * context pass fixes what a region alone cannot tell: sky that does not touch the top
 * edge but continues a sky region, and white clouds inside a blue sky.
 */
import { resampleLabelsNearest, type RgbImage } from '@pertouch/imaging';
import { gatherAdjacency, gatherUnitStats } from '../embedded/unit-stats.js';
import { prepareSegmentWorking, type WorkingImage } from '../embedded/working-image.js';
import { regionGeometry } from '../region-stats.js';
import type { RegionInfo, ThingDetection } from '../types.js';
import { regionFeatures, type RegionFeatures } from './features.js';
import { bestStuff, ramp, skyColour } from './stuff.js';
import { reconcileDetections } from './reconcile.js';
import { assignThings } from './things.js';

export interface LabelOptions {
  /** Detections from optional models, in image pixel coordinates. */
  readonly things?: readonly ThingDetection[];
  /** Recorded on every region, e.g. "sam" or "embedded". */
  readonly engine?: string;
  /** A COCO detector ran (see reconcileDetections). */
  readonly cocoRan?: boolean;
}

export interface UnitLabel {
  readonly label: string;
  readonly confidence: number;
}

/** ΔE*ab from the surroundings above which an enclosed region counts as a subject. */
const SUBJECT_CONTRAST = 15;
/** ΔE*ab under which a salient region takes the label of a detected look-alike. */
const LOOK_ALIKE_DE = 12;
/** Detections whose label does not pass to look-alikes (they name parts or saliency). */
const NOT_COPIED = new Set(['subject', 'face', 'skin']);
/** ΔE*ab to an adjacent sky region under which a smooth region continues the sky. */
const SKY_CONTINUATION_DE = 22;
/** Clouds are soft: white regions busier than this (rock, snow fields with detail) are not. */
const CLOUD_MAX_TEXTURE = 5;

/**
 * Labels the units of a working-size raster. `group[u]` is the detection that claimed
 * unit u (or −1); detections carry their own label and confidence.
 */
export function labelWorkingUnits(work: WorkingImage, ids: Int32Array | Uint8Array, count: number, group: Int32Array, detections: readonly ThingDetection[]): UnitLabel[] {
  const stats = gatherUnitStats(work, ids, count);
  const adjacency = gatherAdjacency(work, ids, count);
  const neighbours: Map<number, number>[] = Array.from({ length: count }, () => new Map());
  for (const [key, length] of adjacency.length) {
    const u = Math.floor(key / count), v = key % count;
    neighbours[u].set(v, length);
    neighbours[v].set(u, length);
  }
  const features: (RegionFeatures | undefined)[] = [];
  for (let u = 0; u < count; u++) features.push(stats.n[u] > 0 ? regionFeatures(stats, u, work.width, work.height) : undefined);
  const hasSubjectModel = detections.some((d) => d.label === 'subject');
  const out: UnitLabel[] = [];
  const subjectCandidates: { u: number; score: number }[] = [];
  for (let u = 0; u < count; u++) {
    const f = features[u];
    if (!f) { out.push({ label: 'background', confidence: 0 }); continue; }
    if (group[u] >= 0) {
      const d = detections[group[u]];
      out.push({ label: d.label, confidence: round(d.confidence) });
      continue;
    }
    const stuff = bestStuff(f);
    if (stuff) { out.push({ label: stuff.label, confidence: round(stuff.score) }); continue; }
    const enclosed = f.borderShare < 0.01 && f.areaFraction > 0.01 && f.areaFraction < 0.35;
    const contrast = enclosed && !hasSubjectModel ? contrastWithNeighbours(features, neighbours[u], f) : 0;
    if (contrast > SUBJECT_CONTRAST) subjectCandidates.push({ u, score: contrast * Math.sqrt(f.areaFraction) });
    out.push({ label: 'background', confidence: 0.3 });
  }
  // Without a saliency model, only the most salient enclosed region is "the subject".
  subjectCandidates.sort((p, q) => q.score - p.score);
  if (subjectCandidates.length > 0) out[subjectCandidates[0].u] = { label: 'subject', confidence: 0.4 };
  // A salient region that looks like a detected thing is most likely another one of it
  // (the second dog a detector missed): same colour, similar size.
  for (let u = 0; u < count; u++) {
    const f = features[u];
    if (!f || out[u].label !== 'subject') continue;
    for (let v = 0; v < count; v++) {
      const g = features[v];
      if (!g || group[v] < 0 || NOT_COPIED.has(out[v].label)) continue;
      const ratio = f.areaFraction / g.areaFraction;
      if (ratio > 0.25 && ratio < 4 && Math.hypot(f.L - g.L, f.a - g.a, f.b - g.b) < LOOK_ALIKE_DE) {
        out[u] = { label: out[v].label, confidence: round(out[v].confidence * 0.7) };
        break;
      }
    }
  }
  // Context: sky continues into smooth regions of nearly its colour, next to it (a
  // gradient towards the horizon) or cut off from it by wires and branches; white
  // soft blobs in a blue sky are clouds, and so are whitish regions continuing a cloud.
  for (let pass = 0; pass < 3; pass++) {
    for (let u = 0; u < count; u++) {
      const f = features[u];
      if (!f || group[u] >= 0 || out[u].label === 'sky' || out[u].label === 'cloud' || f.cy > 0.85) continue;
      let adjacent = Infinity, anywhere = Infinity, blueSky = false, nearCloud = Infinity;
      for (let v = 0; v < count; v++) {
        const g = features[v];
        if (g && out[v].label === 'cloud') {
          const d = Math.hypot(f.L - g.L, f.a - g.a, f.b - g.b);
          // Next to a cloud, or nearly its colour across a wire or branch.
          if (neighbours[u].has(v) || d < SKY_CONTINUATION_DE / 2) nearCloud = Math.min(nearCloud, d);
        }
        if (!g || (out[v].label !== 'sky' && out[v].label !== 'cloud')) continue;
        const d = Math.hypot(f.L - g.L, f.a - g.a, f.b - g.b);
        if (out[v].label === 'sky') anywhere = Math.min(anywhere, d);
        // A cloud is sky too: the glow band under a sun-lit haze continues it.
        if (neighbours[u].has(v)) {
          adjacent = Math.min(adjacent, d);
          if (out[v].label === 'sky' && g.b < -6) blueSky = true;
        }
      }
      const smooth = 1 - ramp(f.texture, 1.8, 4);
      const white = ramp(f.L, 68, 85) * (1 - ramp(f.chroma, 8, 16));
      const skyLike = smooth > 0.5 && skyColour(f) > 0.3;
      const cloudy = white > 0.6 && f.texture < CLOUD_MAX_TEXTURE;
      if ((blueSky && cloudy) || (nearCloud < SKY_CONTINUATION_DE && white > 0.3 && f.texture < CLOUD_MAX_TEXTURE)) {
        out[u] = { label: 'cloud', confidence: round(white * (0.5 + 0.5 * smooth)) };
      }
      else if (skyLike && (adjacent < SKY_CONTINUATION_DE || (anywhere < SKY_CONTINUATION_DE / 2 && f.cy < 0.6))) {
        out[u] = { label: 'sky', confidence: round(0.8 * smooth) };
      }
    }
  }
  return out;
}

function contrastWithNeighbours(features: readonly (RegionFeatures | undefined)[], neighbours: Map<number, number>, f: RegionFeatures): number {
  let L = 0, a = 0, b = 0, n = 0;
  for (const [v, length] of neighbours) {
    const g = features[v];
    if (!g) continue;
    L += g.L * length; a += g.a * length; b += g.b * length; n += length;
  }
  return n > 0 ? Math.hypot(f.L - L / n, f.a - a / n, f.b - b / n) : 0;
}

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Names the regions of any label raster aligned with `image` (the SAM engine's, or a
 * user's): the same labelling as the embedded engine, at region level.
 */
export function labelRegions(image: RgbImage, labels: Uint8Array, width: number, height: number, options: LabelOptions = {}): RegionInfo[] {
  const work = prepareSegmentWorking(image);
  const ids = resampleLabelsNearest({ width, height, labels }, work.width, work.height);
  const detections = reconcileDetections(options.things ?? [], image, { cocoRan: options.cocoRan });
  const { group } = assignThings(work, ids, 256, detections, image);
  const names = labelWorkingUnits(work, ids, 256, group, detections);
  const engine = options.engine ?? 'embedded';
  return regionGeometry(labels, width, height).map((g) => ({ ...g, ...names[g.id], engine }));
}

