import { ImageIoError, firstLine, messageOf } from './errors.js';

/**
 * A sharp/libvips failure on untrusted bytes as an ImageIoError. libvips only says
 * what went wrong in prose, so this matches its messages: a codec this build lacks
 * (HEIC's HEVC, say) is `unsupported_format`, the pixel limit `image_too_large`,
 * everything else (corrupt, truncated) `invalid_image`.
 */
export function imageIoErrorOf(error: unknown): ImageIoError {
  if (error instanceof ImageIoError) return error;
  const message = firstLine(messageOf(error));
  if (/exceeds pixel limit/i.test(message)) return new ImageIoError('image_too_large', message);
  if (/unsupported (image format|codec|compression)|no decoding plugin|not built with/i.test(message)) {
    return new ImageIoError('unsupported_format', `this server cannot decode the image (${message})`);
  }
  return new ImageIoError('invalid_image', `cannot decode the image (${message})`);
}
