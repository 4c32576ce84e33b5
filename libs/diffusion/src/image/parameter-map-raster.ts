/**
 * The ControlNet's `controlnet_cond`: the parameter map as a 4 × 512 × 512 planar raster
 * (design.md §4: channels colourfulness, contrast, temperature, brightness; every pixel of
 * a region holds the region's value), on the same 512 × 512 stretch of the photo the VAE
 * sees. The region raster is resampled nearest-neighbour (labels are categories), then
 * painted with imaging's toDenseMap. Regions missing from the map hold 0, the corpus median.
 */
import { resampleLabelsNearest, toDenseMap, type ResolvedMap, type Segmentation } from '@pertouch/imaging';
import { IMAGE_SIDE } from '../model-set/spec.js';

export function parameterMapRaster(segmentation: Segmentation, values: ResolvedMap): Float32Array {
  const labels = resampleLabelsNearest(segmentation, IMAGE_SIDE, IMAGE_SIDE);
  return toDenseMap(values, { width: IMAGE_SIDE, height: IMAGE_SIDE, labels });
}

/** A map that holds the same values everywhere (e.g. for `auto`: all zeros). */
export function uniformMapRaster(values: readonly [number, number, number, number]): Float32Array {
  const plane = IMAGE_SIDE * IMAGE_SIDE;
  const out = new Float32Array(4 * plane);
  for (let c = 0; c < 4; c++) out.fill(values[c], c * plane, (c + 1) * plane);
  return out;
}
