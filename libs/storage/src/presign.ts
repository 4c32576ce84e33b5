import type { PresignGetOptions } from './object-store.js';

/** SigV4 presigned URLs live at most 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** Refuses an expiry S3 would refuse, on every adapter alike. */
export function assertPresignOptions(options: PresignGetOptions): void {
  const seconds = options.expiresInSeconds;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}, got ${seconds}`);
  }
}

/**
 * `attachment` with the file name twice (RFC 6266): an ASCII fallback for old clients
 * and the exact UTF-8 name in `filename*`. Quotes, backslashes, control characters and
 * path separators never reach the header.
 */
export function attachmentDisposition(downloadName: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = downloadName.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim() || 'download';
  const ascii = cleaned.replace(/[^\x20-\x7e]/g, '_').replace(/["%]/g, '_');
  const encoded = encodeURIComponent(cleaned).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
