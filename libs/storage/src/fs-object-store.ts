import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, readdir, rename, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidObjectKeyError, assertObjectKey, assertObjectPrefix } from './object-keys.js';
import { ObjectNotFoundError, type ClosableObjectStore, type ObjectInfo, type PresignGetOptions, type PutOptions } from './object-store.js';
import { assertPresignOptions } from './presign.js';
import { checkBufferSize, sizedStream } from './sized-body.js';

export interface FsObjectStoreOptions {
  /** The directory that holds everything; created on first use. */
  readonly root: string;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Errors that mean "there is no object at that path" (a missing file, or a directory where a key points). */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** Writes all of `chunk` (a single write may write less). */
async function writeFully(handle: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) offset += (await handle.write(chunk, offset)).bytesWritten;
}

async function ignoreMissing(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

/**
 * The ObjectStore port on a local directory: the embedded deployment's default, one
 * machine, no S3 to run. Layout under `root`:
 *
 *     objects/<key>   the bytes, as a plain file (readable with any tool, easy to back up)
 *     meta/<key>      {"contentType": …}, the sidecar
 *     tmp/            writes in progress
 *
 * Writes go to tmp/ and are renamed into place (same filesystem, so atomic): a reader
 * sees the old object or the new one, never half of one. The sidecar is renamed into
 * place before the bytes, so an object never exists without its content type.
 * Keys are validated (object-keys.ts) and every path is checked to stay inside its
 * tree, so no key can read or write outside `root`. Directories emptied by deletes are
 * removed. Objects can't be presigned: presignGet answers undefined.
 */
export class FsObjectStore implements ClosableObjectStore {
  readonly root: string;
  private readonly objectsDir: string;
  private readonly metaDir: string;
  private readonly tmpDir: string;

  constructor(options: FsObjectStoreOptions) {
    this.root = path.resolve(options.root);
    this.objectsDir = path.join(this.root, 'objects');
    this.metaDir = path.join(this.root, 'meta');
    this.tmpDir = path.join(this.root, 'tmp');
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.objectPath(key));
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async getStream(key: string): Promise<ObjectInfo & { body: Readable }> {
    let handle;
    try {
      handle = await open(this.objectPath(key), 'r');
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
    // Size from the open file, not the path: a concurrent overwrite renames a new file
    // into place but this handle keeps reading the old one, whose size this is.
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      throw new ObjectNotFoundError(key);
    }
    const contentType = await this.contentType(key);
    return { body: handle.createReadStream(), size: stats.size, contentType };
  }

  async put(key: string, body: Buffer | Readable, contentType: string, options: PutOptions = {}): Promise<void> {
    const target = this.objectPath(key);
    if (Buffer.isBuffer(body)) checkBufferSize(body, key, options.size);
    await mkdir(this.tmpDir, { recursive: true });
    const dataTemp = await this.writeTemp(async (handle) => {
      if (Buffer.isBuffer(body)) await handle.writeFile(body);
      else for await (const chunk of sizedStream(body, key, options.size)) await writeFully(handle, chunk as Buffer);
    });
    try {
      const metaTemp = await this.writeTemp((handle) => handle.writeFile(JSON.stringify({ contentType })));
      await this.moveInto(metaTemp, this.metaPath(key));
      await this.moveInto(dataTemp, target);
    } catch (error) {
      await ignoreMissing(unlink(dataTemp));
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const stats = await stat(this.objectPath(key));
      if (!stats.isFile()) return undefined;
      return { size: stats.size, contentType: await this.contentType(key) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async delete(key: string): Promise<void> {
    const target = this.objectPath(key);
    const meta = this.metaPath(key);
    // The bytes go first: once they are gone the object is gone, whatever happens next.
    await ignoreMissing(unlink(target));
    await ignoreMissing(unlink(meta));
    await this.pruneEmptyDirs(path.dirname(target), this.objectsDir);
    await this.pruneEmptyDirs(path.dirname(meta), this.metaDir);
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertObjectPrefix(prefix);
    // Only the directory the prefix fully names can hold matches ("a/b" matches "a/bc/d" too).
    const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    let count = 0;
    for (const key of await this.keysUnder(this.objectsDir, base)) {
      if (!key.startsWith(prefix)) continue;
      await this.delete(key);
      count++;
    }
    // Sidecars left by a put that crashed between its two renames.
    for (const key of await this.keysUnder(this.metaDir, base)) {
      if (key.startsWith(prefix)) await this.delete(key);
    }
    return count;
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<string | undefined> {
    assertObjectKey(key);
    assertPresignOptions(options);
    return undefined;
  }

  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.R_OK | constants.W_OK);
  }

  async close(): Promise<void> {}

  private objectPath(key: string): string {
    return this.inside(this.objectsDir, key);
  }

  private metaPath(key: string): string {
    return this.inside(this.metaDir, key);
  }

  /** The file for `key` in `tree`, after checking the key and that the path stays in the tree. */
  private inside(tree: string, key: string): string {
    assertObjectKey(key);
    const file = path.join(tree, ...key.split('/'));
    if (!file.startsWith(tree + path.sep)) throw new InvalidObjectKeyError(key, 'leaves the store');
    return file;
  }

  private async contentType(key: string): Promise<string> {
    try {
      const meta = JSON.parse(await readFile(this.metaPath(key), 'utf8')) as { contentType?: unknown };
      return typeof meta.contentType === 'string' ? meta.contentType : DEFAULT_CONTENT_TYPE;
    } catch (error) {
      // A file put there by hand (or a damaged sidecar) is still served, as bytes.
      if (isMissing(error) || error instanceof SyntaxError) return DEFAULT_CONTENT_TYPE;
      throw error;
    }
  }

  /** Writes a new file in tmp/ (flushed to disk) and returns its path; removes it on failure. */
  private async writeTemp(write: (handle: FileHandle) => Promise<void>): Promise<string> {
    const temp = path.join(this.tmpDir, randomUUID());
    const handle = await open(temp, 'wx');
    try {
      await write(handle);
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => {});
      await ignoreMissing(unlink(temp));
      throw error;
    }
    await handle.close();
    return temp;
  }

  /** Renames a finished temp file onto `target`, creating its directory (again, if a delete pruned it meanwhile). */
  private async moveInto(temp: string, target: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await mkdir(path.dirname(target), { recursive: true });
      try {
        await rename(temp, target);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
      }
    }
  }

  /** Removes `dir` and its parents while they are empty, up to (not including) `tree`. */
  private async pruneEmptyDirs(dir: string, tree: string): Promise<void> {
    for (let current = dir; current.startsWith(tree + path.sep); current = path.dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (or already gone, or in use by a concurrent put): stop here
      }
    }
  }

  /** Every key stored as a file under `tree`/`base` (base: '' or ending in '/'). */
  private async keysUnder(tree: string, base: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for (const entry of entries) {
        if (entry.isDirectory()) await walk(path.join(dir, entry.name), `${keyPrefix}${entry.name}/`);
        else if (entry.isFile()) keys.push(`${keyPrefix}${entry.name}`);
      }
    };
    await walk(base === '' ? tree : this.inside(tree, base.slice(0, -1)), base);
    return keys;
  }
}
