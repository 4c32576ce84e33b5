/** Synthetic test images with known regions. */
import type { RgbImage } from '@pertouch/imaging';
import { mulberry32 } from '@pertouch/imaging';

/**
 * A landscape: a smooth blue sky gradient above `horizon` (a fraction of the height, or
 * a function of x for a tilted edge), textured green grass below.
 */
export function landscape(width: number, height: number, horizon: number | ((x: number) => number) = 0.45, seed = 7): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const rand = mulberry32(seed);
  const edge = typeof horizon === 'number' ? () => horizon * height : (x: number) => horizon(x) * height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      if (y < edge(x)) {
        const t = y / height;
        data[i] = 70 + 60 * t; data[i + 1] = 120 + 50 * t; data[i + 2] = 215 + 20 * t;
      } else {
        const n = (rand() - 0.5) * 70;
        data[i] = clamp(60 + n * 0.6); data[i + 1] = clamp(125 + n); data[i + 2] = clamp(40 + n * 0.4);
      }
    }
  }
  return { width, height, data };
}

/** Flat grey with a flat red disc: an enclosed object that stands out. */
export function discOnGrey(width: number, height: number, cx = 0.5, cy = 0.5, r = 0.18): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const R = r * Math.min(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      const inside = Math.hypot(x + 0.5 - cx * width, y + 0.5 - cy * height) < R;
      data[i] = inside ? 200 : 128; data[i + 1] = inside ? 30 : 128; data[i + 2] = inside ? 40 : 128;
    }
  }
  return { width, height, data };
}

const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
