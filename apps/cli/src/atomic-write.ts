import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError, messageOf } from './errors.js';

/**
 * Writes `bytes` to `path` atomically: into a temporary file in the same directory
 * (created if missing), flushed to disk, then renamed over `path`. A failure at any
 * point removes the temporary file, so no partial output is ever left behind.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new CliError('output.write_failed', `${path}: cannot write (${messageOf(error)})`);
  }
}
