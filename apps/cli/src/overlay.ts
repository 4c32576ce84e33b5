/**
 * A picture for people: the photo, region outlines, and each region's label at its
 * centroid. Used by `pertouch segment --overlay` and the docs' overlay gallery.
 */
import sharp from 'sharp';
import type { LabelledSegmentation } from '@pertouch/segmentation';

/** Default long side of the overlay picture; outlines are drawn at this size. */
export const OVERLAY_LONG_SIDE = 1200;

export async function renderOverlay(rgb: Uint8Array, seg: LabelledSegmentation, longSide = OVERLAY_LONG_SIDE): Promise<Buffer> {
  const scale = Math.min(1, longSide / Math.max(seg.width, seg.height));
  const w = Math.max(1, Math.round(seg.width * scale)), h = Math.max(1, Math.round(seg.height * scale));
  const base = await sharp(rgb, { raw: { width: seg.width, height: seg.height, channels: 3 } }).resize(w, h, { kernel: 'lanczos3' }).raw().toBuffer();
  const labels = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(seg.height - 1, Math.floor(((y + 0.5) * seg.height) / h));
    for (let x = 0; x < w; x++) labels[y * w + x] = seg.labels[sy * seg.width + Math.min(seg.width - 1, Math.floor(((x + 0.5) * seg.width) / w))];
  }
  const out = Buffer.from(base);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const edge = (x + 1 < w && labels[i + 1] !== labels[i]) || (y + 1 < h && labels[i + w] !== labels[i]);
      if (edge) {
        out[3 * i] = 255; out[3 * i + 1] = 235; out[3 * i + 2] = 0;
      }
    }
  }
  const font = Math.max(11, Math.round(Math.max(w, h) / 60));
  const texts = seg.regions
    .filter((r) => r.area * scale * scale > 400)
    .map((r) => {
      const text = `${r.id}:${r.label}`;
      const x = Math.round(r.centroid.x * scale), y = Math.round(r.centroid.y * scale);
      return `<text x="${x}" y="${y}" font-size="${font}" font-family="sans-serif" text-anchor="middle" fill="white" stroke="black" stroke-width="${font / 6}" paint-order="stroke">${escapeXml(text)}</text>`;
    });
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${texts.join('')}</svg>`);
  return sharp(out, { raw: { width: w, height: h, channels: 3 } }).composite([{ input: svg }]).png().toBuffer();
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
