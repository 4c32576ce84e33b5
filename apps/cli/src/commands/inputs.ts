import type { CalibrationTable, Segmentation } from '@pertouch/imaging';
import { loadCalibration } from '../calibration-io.js';
import { decodeImage, type DecodedImage } from '../image-io.js';
import { checkSegmentationFits, readSegmentation, regionIdsOf } from '../segmentation-io.js';
import type { CommandContext } from './context.js';

export interface Inputs {
  readonly table: CalibrationTable;
  readonly decoded: DecodedImage;
  readonly segmentation: Segmentation | undefined;
  /** The region ids a map may name: the segmentation's, or just 0 without one. */
  readonly regionIds: ReadonlySet<number>;
}

/** Loads the calibration table, the photo and its segmentation, and checks they fit together. */
export async function loadInputs(ctx: CommandContext): Promise<Inputs> {
  const { options, image } = ctx.line;
  const table = await loadCalibration(options.calibration ?? ctx.config.calibrationPath);
  const decoded = await decodeImage(image, ctx.config.maxPixels);
  let segmentation: Segmentation | undefined;
  if (options.segmentation !== undefined) {
    segmentation = await readSegmentation(options.segmentation, ctx.config.maxPixels);
    checkSegmentationFits(decoded.image, segmentation, options.segmentation);
  }
  return { table, decoded, segmentation, regionIds: segmentation ? regionIdsOf(segmentation) : new Set([0]) };
}

/** "600×400 8-bit", plus the colour conversion if there was one. */
export function describeImage({ image, convertedFrom }: DecodedImage): string {
  const size = `${image.width}×${image.height} ${image.data instanceof Uint16Array ? 16 : 8}-bit`;
  return convertedFrom === undefined ? size : `${size} (converted from "${convertedFrom}" to sRGB)`;
}
