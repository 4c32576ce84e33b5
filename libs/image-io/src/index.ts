/**
 * @pertouch/image-io — untrusted image bytes in, pixels out, and back: format sniffing,
 * header probing with a pixel limit, decoding to upright 8-bit sRGB, encoding tagged
 * sRGB, and the greyscale PNGs of label rasters and masks. sharp does the codec work.
 */
export { IMAGE_IO_ERROR_CODES, ImageIoError, type ImageIoErrorCode } from './errors.js';
export { INPUT_FORMATS, OUTPUT_FORMATS, sniffFormat, sniffRefusedFormat, type InputFormat } from './formats.js';
export { DEFAULT_MAX_PIXELS, type ImageLimits } from './limits.js';
export { probeImage, type ImageProbe } from './probe.js';
export { decodeRgb, type RgbPixels } from './decode.js';
export { CONTENT_TYPES, DEFAULT_QUALITY, encodeImage, type EncodeOptions, type OutputFormat, type RgbInput } from './encode.js';
export { decodeGreyPng, encodeGreyPng, type GreyRaster } from './grey-png.js';
