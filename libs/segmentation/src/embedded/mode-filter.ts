/**
 * One 3×3 mode (majority) filter pass over a label raster: a pixel takes the label most
 * frequent in its 3×3 neighbourhood when that label holds at least 5 of the 9 (ties
 * keep the pixel's own). Removes the one-pixel threads region merging leaves along
 * textured edges, which edge-aware upsampling would otherwise spread into specks.
 */
export function modeFilter3x3(labels: Uint8Array, width: number, height: number): Uint8Array {
  const out = labels.slice();
  const counts = new Uint8Array(256);
  const seen: number[] = [];
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const own = labels[i];
      // Fast path: all four direct neighbours agree with the pixel.
      if (labels[i - 1] === own && labels[i + 1] === own && labels[i - width] === own && labels[i + width] === own) continue;
      seen.length = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const l = labels[i + dy * width + dx];
          if (counts[l]++ === 0) seen.push(l);
        }
      }
      let best = own;
      for (const l of seen) if (counts[l] > counts[best]) best = l;
      if (counts[best] >= 5) out[i] = best;
      for (const l of seen) counts[l] = 0;
    }
  }
  return out;
}
