/**
 * Turning detections (masks and boxes from optional models, in image coordinates) into
 * memberships of units (superpixels or regions) of a working-size raster.
 */
import type { Box, ThingDetection } from '../types.js';
import type { WorkingImage } from '../embedded/working-image.js';

/** Detections apply in this order; a later (more specific) one overrides an earlier. */
const PRIORITY: Record<string, number> = { subject: 0, person: 2, skin: 3, face: 4 };
const priorityOf = (label: string) => PRIORITY[label] ?? 1;

/** A unit belongs to a detection when this share of it is inside the detection. */
export const MEMBERSHIP_THRESHOLD = 0.5;
/** A box detection claims units this much inside the box that also look like foreground. */
const BOX_INSIDE = 0.6;
/** ΔE*ab from the box's surroundings above which a unit inside the box is foreground. */
const BOX_FOREGROUND_DE = 12;

export interface ThingAssignment {
  /** Detection index per unit, or −1. */
  readonly group: Int32Array;
  readonly detections: readonly ThingDetection[];
}

/** Mean of a detection's soft mask (0..1) over each unit. */
export function maskShares(mask: ThingDetection['mask'] & object, ids: Int32Array | Uint8Array, count: number, W: number, H: number): Float64Array {
  const sum = new Float64Array(count), n = new Float64Array(count);
  const cols = new Int32Array(W);
  for (let x = 0; x < W; x++) cols[x] = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / W));
  for (let y = 0; y < H; y++) {
    const my = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / H)) * mask.width;
    for (let x = 0; x < W; x++) {
      const u = ids[y * W + x];
      sum[u] += mask.data[my + cols[x]] / 255;
      n[u]++;
    }
  }
  for (let u = 0; u < count; u++) sum[u] = n[u] > 0 ? sum[u] / n[u] : 0;
  return sum;
}

/** Share of each unit inside a box given in working-image pixels. */
export function boxShares(box: Box, ids: Int32Array | Uint8Array, count: number, W: number, H: number): Float64Array {
  const inside = new Float64Array(count), n = new Float64Array(count);
  for (let y = 0; y < H; y++) {
    const rowIn = y + 0.5 >= box.y0 && y + 0.5 < box.y1;
    for (let x = 0; x < W; x++) {
      const u = ids[y * W + x];
      n[u]++;
      if (rowIn && x + 0.5 >= box.x0 && x + 0.5 < box.x1) inside[u]++;
    }
  }
  for (let u = 0; u < count; u++) inside[u] = n[u] > 0 ? inside[u] / n[u] : 0;
  return inside;
}

/**
 * Assigns units to detections. Masks: a unit joins when at least half of it is inside.
 * Boxes: a unit joins when it is mostly inside the box and the salient-object mask says
 * it is foreground or its colour differs from the ring just outside the box.
 */
export function assignThings(
  work: WorkingImage,
  ids: Int32Array | Uint8Array,
  count: number,
  detections: readonly ThingDetection[],
  imageSize: { width: number; height: number },
): ThingAssignment {
  const { width: W, height: H } = work;
  const group = new Int32Array(count).fill(-1);
  const order = detections.map((d, i) => i).sort((i, j) => priorityOf(detections[i].label) - priorityOf(detections[j].label) || detections[i].confidence - detections[j].confidence);
  const sx = W / imageSize.width, sy = H / imageSize.height;
  const subject = detections.find((d) => d.label === 'subject' && d.mask);
  const subjectShare = subject?.mask ? maskShares(subject.mask, ids, count, W, H) : undefined;
  const means = unitMeans(work, ids, count);
  for (const i of order) {
    const d = detections[i];
    let share: Float64Array;
    if (d.mask) {
      share = maskShares(d.mask, ids, count, W, H);
    } else if (d.box) {
      const box = { x0: d.box.x0 * sx, y0: d.box.y0 * sy, x1: d.box.x1 * sx, y1: d.box.y1 * sy };
      const inside = boxShares(box, ids, count, W, H);
      const ring = ringColour(work, box);
      share = new Float64Array(count);
      for (let u = 0; u < count; u++) {
        if (inside[u] < BOX_INSIDE) continue;
        const foreground = (subjectShare !== undefined && subjectShare[u] >= MEMBERSHIP_THRESHOLD) || !ring || distance(means, u, ring) > BOX_FOREGROUND_DE;
        // Faces are small and tight: every unit inside the box belongs.
        share[u] = foreground || d.label === 'face' ? inside[u] : 0;
      }
    } else {
      continue;
    }
    for (let u = 0; u < count; u++) if (share[u] >= MEMBERSHIP_THRESHOLD) group[u] = i;
  }
  return { group, detections };
}

/** Mean L*, a*, b* of every unit, and its pixel count: [L, a, b, n] per unit. */
export function unitMeans(work: WorkingImage, ids: Int32Array | Uint8Array, count: number): Float64Array {
  const m = new Float64Array(count * 4);
  for (let i = 0; i < ids.length; i++) {
    const u = ids[i] * 4;
    m[u] += work.L[i]; m[u + 1] += work.a[i]; m[u + 2] += work.b[i]; m[u + 3]++;
  }
  for (let u = 0; u < count; u++) {
    const n = Math.max(1, m[u * 4 + 3]);
    m[u * 4] /= n; m[u * 4 + 1] /= n; m[u * 4 + 2] /= n;
  }
  return m;
}

function distance(means: Float64Array, u: number, c: readonly number[]): number {
  return Math.hypot(means[u * 4] - c[0], means[u * 4 + 1] - c[1], means[u * 4 + 2] - c[2]);
}

/** Mean Lab of a band just outside the box (a few % of its size), or undefined at the border. */
function ringColour(work: WorkingImage, box: Box): number[] | undefined {
  const { width: W, height: H } = work;
  const pad = Math.max(2, Math.round(0.08 * Math.max(box.x1 - box.x0, box.y1 - box.y0)));
  const x0 = Math.max(0, Math.floor(box.x0 - pad)), x1 = Math.min(W, Math.ceil(box.x1 + pad));
  const y0 = Math.max(0, Math.floor(box.y0 - pad)), y1 = Math.min(H, Math.ceil(box.y1 + pad));
  let L = 0, a = 0, b = 0, n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1) continue;
      const i = y * W + x;
      L += work.L[i]; a += work.a[i]; b += work.b[i]; n++;
    }
  }
  return n > 0 ? [L / n, a / n, b / n] : undefined;
}
