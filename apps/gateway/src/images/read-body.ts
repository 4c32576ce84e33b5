/**
 * Reads a raw request body into memory with a byte limit enforced as the bytes arrive:
 * past the limit nothing more is kept, the rest of the body is discarded, and the caller
 * gets a 413 at once — an oversize upload never costs more than `maxBytes` of memory.
 */
import type { IncomingMessage } from 'node:http';
import { problem, type ApiProblem } from '../http/problem.js';

export function payloadTooLarge(maxBytes: number): ApiProblem {
  return problem('payload_too_large', `uploads are limited to ${maxBytes} bytes`, {
    // The client may still be sending: it must not reuse this connection.
    headers: { connection: 'close' },
  });
}

export function readBodyLimited(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: ApiProblem | undefined) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) {
        chunks.length = 0;
        // Keep reading so the socket drains and the 413 can be delivered; bytes go nowhere.
        req.resume();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(payloadTooLarge(maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onError = () => finish(problem('validation_failed', 'the upload was interrupted'));
    const onClose = () => {
      if (!req.complete) finish(problem('validation_failed', 'the upload was interrupted'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
