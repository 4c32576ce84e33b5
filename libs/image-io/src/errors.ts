/** Why untrusted image bytes were refused; stable, so APIs and services can map them. */
export const IMAGE_IO_ERROR_CODES = ['unsupported_format', 'invalid_image', 'image_too_large'] as const;
export type ImageIoErrorCode = (typeof IMAGE_IO_ERROR_CODES)[number];

/**
 * The input's fault, never worth retrying: `unsupported_format` (not JPEG, PNG, WebP,
 * TIFF, AVIF or HEIF), `invalid_image` (corrupt or truncated), `image_too_large` (over
 * the pixel limit, refused from the header before any pixel is decoded).
 */
export class ImageIoError extends Error {
  override readonly name = 'ImageIoError';
  constructor(
    readonly code: ImageIoErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The first non-empty line of a message (libvips errors span several lines). */
export function firstLine(message: string): string {
  return message.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? message;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
