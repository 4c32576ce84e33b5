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

/** Past this many bytes an oversize body is not read to its end: the connection is cut after the 413. */
export const DISCARD_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * Reads (and drops) the rest of a body the server refuses, up to `limit` bytes, so the
 * client — still sending — can read the 413: closing the socket under a client that is
 * writing makes most HTTP clients (fetch/undici, curl) report a reset, not the answer.
 */
export function discardBody(req: IncomingMessage, limit = DISCARD_LIMIT_BYTES): Promise<void> {
  return new Promise<void>((resolve) => {
    let seen = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', done);
      req.off('close', done);
      req.off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) done();
    };
    if (req.complete) return resolve();
    req.on('data', onData);
    req.on('end', done);
    req.on('close', done);
    req.on('error', done);
    req.resume();
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
        // Read the rest (bytes go nowhere) so the 413 reaches a client that is still sending.
        discardBody(req).then(() => reject(error), () => reject(error));
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
