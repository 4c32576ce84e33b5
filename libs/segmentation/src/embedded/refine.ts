/**
 * Edge-aware upsampling of a working-size label raster to the full image.
 *
 * Away from region boundaries a full-resolution pixel simply takes the label of the
 * working pixel it falls in. Within one working pixel of a boundary, each full-resolution
 * pixel takes the candidate label (those present in the 3×3 working neighbourhood) whose
 * local mean colour (5×5 working window) is closest to the pixel's own colour, with a
 * small bias towards the nearest-neighbour label so flat areas do not flicker. This is
 * the joint-bilateral idea (Kopf et al., "Joint Bilateral Upsampling", SIGGRAPH 2007)
 * reduced to a per-pixel choice among a few labels.
 */
import type { RgbImage } from '@pertouch/imaging';

/** Colour distance (0..255 RGB units) a neighbour label must win by to replace the nearest one. */
const SWITCH_BIAS = 6;
const MAX_CANDIDATES = 6;

export function refineUpsample(image: RgbImage, workRgb: Float32Array, labels: Uint8Array, w: number, h: number): Uint8Array {
  const { width: W, height: H, data } = image;
  const scale = data instanceof Uint16Array ? 1 / 257 : 1;
  const out = new Uint8Array(W * H);
  // Per boundary working pixel: candidate labels and their local mean colours.
  const slot = new Int32Array(w * h).fill(-1);
  const candLabels: number[] = [];
  const candMeans: number[] = [];
  const candCount: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const own = labels[i];
      let boundary = false;
      for (let dy = -1; dy <= 1 && !boundary; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx, yy = y + dy;
          if (xx >= 0 && yy >= 0 && xx < w && yy < h && labels[yy * w + xx] !== own) { boundary = true; break; }
        }
      }
      if (!boundary) continue;
      const ls: number[] = [own];
      const sums: number[] = [0, 0, 0, 0];
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const xx = x + dx, yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const j = yy * w + xx;
          let k = ls.indexOf(labels[j]);
          if (k < 0) {
            if (Math.abs(dx) > 1 || Math.abs(dy) > 1 || ls.length >= MAX_CANDIDATES) continue;
            k = ls.length;
            ls.push(labels[j]);
            sums.push(0, 0, 0, 0);
          }
          sums[4 * k] += workRgb[3 * j]; sums[4 * k + 1] += workRgb[3 * j + 1]; sums[4 * k + 2] += workRgb[3 * j + 2]; sums[4 * k + 3]++;
        }
      }
      slot[i] = candCount.length;
      candCount.push(ls.length);
      candLabels.push(...ls, ...new Array(MAX_CANDIDATES - ls.length).fill(0));
      for (let k = 0; k < MAX_CANDIDATES; k++) {
        const n = k < ls.length ? Math.max(1, sums[4 * k + 3]) : 1;
        candMeans.push(k < ls.length ? sums[4 * k] / n : 0, k < ls.length ? sums[4 * k + 1] / n : 0, k < ls.length ? sums[4 * k + 2] / n : 0);
      }
    }
  }
  const cols = new Int32Array(W);
  for (let X = 0; X < W; X++) cols[X] = Math.min(w - 1, Math.floor(((X + 0.5) * w) / W));
  for (let Y = 0; Y < H; Y++) {
    const row = Math.min(h - 1, Math.floor(((Y + 0.5) * h) / H)) * w;
    let o = Y * W;
    for (let X = 0; X < W; X++, o++) {
      const i = row + cols[X];
      const s = slot[i];
      if (s < 0) { out[o] = labels[i]; continue; }
      const r = data[3 * o] * scale, g = data[3 * o + 1] * scale, b = data[3 * o + 2] * scale;
      let best = 0, bestD = Infinity;
      const n = candCount[s];
      for (let k = 0; k < n; k++) {
        const m = (s * MAX_CANDIDATES + k) * 3;
        const dr = r - candMeans[m], dg = g - candMeans[m + 1], db = b - candMeans[m + 2];
        const d = Math.sqrt(dr * dr + dg * dg + db * db) + (k === 0 ? 0 : SWITCH_BIAS);
        if (d < bestD) { bestD = d; best = k; }
      }
      out[o] = candLabels[s * MAX_CANDIDATES + best];
    }
  }
  return out;
}
