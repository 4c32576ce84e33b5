/**
 * The ImageProbe port on libs/image-io. Two steps, cheap first:
 *  1. probeImage — the real format from the bytes (never the name or Content-Type), the
 *     upright size, and the pixel limit from the header alone, so a decompression bomb
 *     (a 100 000 × 100 000 PNG header) is refused before any pixel is decoded;
 *  2. decodeRgb — a full decode, because a corrupt or truncated file has a perfectly good
 *     header: only decoding the pixel data finds it. Decodes are bounded per process
 *     (`maxConcurrentDecodes`), so a burst of large uploads cannot exhaust memory.
 */
import { INPUT_FORMATS } from '@pertouch/contracts';
import { ImageIoError, decodeRgb, probeImage } from '@pertouch/image-io';
import { problem } from '../http/problem.js';
import type { ImageProbe, ProbedImage } from '../ports.js';

/** A FIFO semaphore: at most `slots` bodies of `run` at once. */
export function limiter(slots: number): <T>(run: () => Promise<T>) => Promise<T> {
  let free = slots;
  const waiting: (() => void)[] = [];
  return async (run) => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await run();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

function asProblem(error: unknown): never {
  if (error instanceof ImageIoError) throw problem(error.code, error.message, { cause: error });
  throw error;
}

export function imageIoProbe(options: { readonly maxConcurrentDecodes?: number } = {}): ImageProbe {
  const decodeSlot = limiter(options.maxConcurrentDecodes ?? 2);
  return {
    async probe(bytes: Buffer, maxPixels: number): Promise<ProbedImage> {
      const info = await probeImage(bytes, { maxPixels }).catch(asProblem);
      if (!(INPUT_FORMATS as readonly string[]).includes(info.format)) throw problem('unsupported_format', `${info.format} images are not accepted`);
      await decodeSlot(() => decodeRgb(bytes, { maxPixels })).catch(asProblem);
      return { format: info.format, width: info.width, height: info.height };
    },
  };
}
