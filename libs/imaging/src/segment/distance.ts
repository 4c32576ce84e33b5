/**
 * Distance (in pixels) from every pixel to the nearest pixel with `labels[i] === id`,
 * by the two-pass 3×3 chamfer transform with weights 1 and √2 (G. Borgefors,
 * "Distance transformations in digital images", CVGIP 34(3), 1986). Pixels of the
 * region are 0; an image without the region is Infinity everywhere.
 */
export function distanceToRegion(labels: Uint8Array, width: number, height: number, id: number): Float32Array {
  const d = new Float32Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = labels[i] === id ? 0 : Infinity;
  const D = Math.SQRT2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let v = d[i];
      if (x > 0) v = Math.min(v, d[i - 1] + 1);
      if (y > 0) {
        v = Math.min(v, d[i - width] + 1);
        if (x > 0) v = Math.min(v, d[i - width - 1] + D);
        if (x + 1 < width) v = Math.min(v, d[i - width + 1] + D);
      }
      d[i] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      let v = d[i];
      if (x + 1 < width) v = Math.min(v, d[i + 1] + 1);
      if (y + 1 < height) {
        v = Math.min(v, d[i + width] + 1);
        if (x + 1 < width) v = Math.min(v, d[i + width + 1] + D);
        if (x > 0) v = Math.min(v, d[i + width - 1] + D);
      }
      d[i] = v;
    }
  }
  return d;
}
