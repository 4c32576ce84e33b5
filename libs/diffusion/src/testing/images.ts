/** Small synthetic photos for the diffusion tests. */
import type { RgbImage, Segmentation } from '@pertouch/imaging';

/**
 * A "landscape": a bright blue sky above a darker, warmer ground, with a soft horizon
 * at `horizon` of the height and a little deterministic texture (so it has detail to keep).
 */
export function landscape(width: number, height: number, horizon = 0.45): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sky = y < horizon * height;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const texture = 12 * Math.sin(x * 0.37 + y * 0.11) * Math.cos(y * 0.29 - x * 0.05);
      const shade = (x / width) * 20;
      const base = sky ? [120 + shade, 160 + shade, 215] : [110 - shade, 80, 50];
      for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, Math.round(base[c] + texture)));
    }
  }
  return { width, height, data };
}

/** Region 1 above the horizon, region 0 below (the landscape's two regions). */
export function landscapeRegions(width: number, height: number, horizon = 0.45): Segmentation {
  const labels = new Uint8Array(width * height);
  labels.fill(1, 0, Math.ceil(horizon * height) * width);
  return { width, height, labels };
}

/** Mean of each channel over rows [y0, y1) of interleaved RGB (any scale). */
export function channelMeans(image: { width: number; data: ArrayLike<number> }, y0: number, y1: number): [number, number, number] {
  const sums = [0, 0, 0];
  let n = 0;
  for (let i = y0 * image.width * 3; i < y1 * image.width * 3; i += 3, n++) for (let c = 0; c < 3; c++) sums[c] += image.data[i + c];
  return [sums[0] / n, sums[1] / n, sums[2] / n];
}
