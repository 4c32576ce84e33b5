import { Readable, Transform, type TransformCallback } from 'node:stream';
import { ObjectSizeMismatchError } from './object-store.js';

/**
 * Passes a stream through while counting it; errors (so the write is abandoned) as soon
 * as it exceeds `expected` bytes, or at its end when it is shorter.
 */
export function enforceSize(body: Readable, key: string, expected: number): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > expected) callback(new ObjectSizeMismatchError(key, expected, `more than ${expected}`));
      else callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      callback(seen === expected ? null : new ObjectSizeMismatchError(key, expected, String(seen)));
    },
  });
  // pipe() does not forward source errors; a failing source must fail the write too.
  body.once('error', (error) => counter.destroy(error));
  return body.pipe(counter);
}

/** Throws ObjectSizeMismatchError when a buffer's length differs from the declared size. */
export function checkBufferSize(body: Buffer, key: string, expected: number | undefined): void {
  if (expected !== undefined && body.length !== expected) throw new ObjectSizeMismatchError(key, expected, String(body.length));
}

/** The body as a stream of exactly the declared size (when one is declared). */
export function sizedStream(body: Readable, key: string, expected: number | undefined): Readable {
  return expected === undefined ? body : enforceSize(body, key, expected);
}

/** Reads a whole stream into one Buffer. */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
