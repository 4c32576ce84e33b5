/**
 * Within a detected person, superpixels of skin colour become their own "skin" region,
 * so "make her skin warmer" does not tint the clothes. Skin in CIELAB: hue 25°–75°
 * (red-orange to yellow), chroma 10–45, L* 25–88 — wide enough for every skin tone under
 * daylight, narrow enough to leave grey, blue and green clothing out.
 */
import { chromaAb, hueAngle } from '../label/features.js';
import { unitMeans, type ThingAssignment } from '../label/things.js';
import type { ThingDetection } from '../types.js';
import type { WorkingImage } from './working-image.js';

export function isSkinColour(L: number, a: number, b: number): boolean {
  const hue = hueAngle(a, b), chroma = chromaAb(a, b);
  return hue >= 25 && hue <= 75 && chroma >= 10 && chroma <= 45 && L >= 25 && L <= 88;
}

export function splitSkin(work: WorkingImage, ids: Int32Array, count: number, things: ThingAssignment): { group: Int32Array; detections: ThingDetection[] } {
  const detections = [...things.detections];
  const group = things.group.slice();
  const means = unitMeans(work, ids, count);
  const skinOf = new Map<number, number>();
  for (let u = 0; u < count; u++) {
    const g = group[u];
    if (g < 0 || detections[g].label !== 'person') continue;
    if (!isSkinColour(means[u * 4], means[u * 4 + 1], means[u * 4 + 2])) continue;
    let s = skinOf.get(g);
    if (s === undefined) {
      s = detections.length;
      detections.push({ label: 'skin', confidence: Math.round(things.detections[g].confidence * 80) / 100 });
      skinOf.set(g, s);
    }
    group[u] = s;
  }
  return { group, detections };
}
