import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from './fs-object-store.js';
import { InvalidObjectKeyError } from './object-keys.js';

let sandbox: string;
let root: string;
let store: FsObjectStore;

beforeEach(async () => {
  // The store's root sits inside a sandbox, so a key that escaped it would land in the sandbox, where the tests look.
  sandbox = await mkdtemp(path.join(os.tmpdir(), 'pertouch-fs-sandbox-'));
  root = path.join(sandbox, 'store');
  store = new FsObjectStore({ root });
});

afterEach(async () => {
  await chmod(sandbox, 0o755).catch(() => {});
  await rm(sandbox, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

describe('FsObjectStore', () => {
  it('stores the bytes as a plain file under objects/ and the content type in a sidecar', async () => {
    await store.put('tenants/acme/images/img-1/original', Buffer.from('JPEGDATA'), 'image/jpeg');
    expect(await readFile(path.join(root, 'objects/tenants/acme/images/img-1/original'), 'utf8')).toBe('JPEGDATA');
    expect(JSON.parse(await readFile(path.join(root, 'meta/tenants/acme/images/img-1/original'), 'utf8'))).toEqual({ contentType: 'image/jpeg' });
  });

  it('leaves no temp files behind, after successful and failed writes', async () => {
    await store.put('a/one', Buffer.from('1'), 'text/plain');
    await store.put('a/two', Readable.from([Buffer.from('22')]), 'text/plain', { size: 2 });
    await expect(store.put('a/three', Readable.from([Buffer.from('333')]), 'text/plain', { size: 2 })).rejects.toThrow();
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
    expect(await filesUnder(path.join(root, 'objects'))).toEqual(['a/one', 'a/two']);
  });

  it('never touches anything outside its root, whatever the key', async () => {
    await writeFile(path.join(sandbox, 'secret'), 'do not read');
    for (const key of ['../secret', '../../secret', 'objects/../../secret', '/etc/passwd', '..\\secret', 'x/../../../secret']) {
      await expect(store.get(key), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.put(key, Buffer.from('overwritten'), 'text/plain'), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.delete(key), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
    }
    await expect(store.deletePrefix('../')).rejects.toBeInstanceOf(InvalidObjectKeyError);
    expect(await readFile(path.join(sandbox, 'secret'), 'utf8')).toBe('do not read');
    expect((await readdir(sandbox)).sort()).toEqual(['secret']); // not even the root was created
  });

  it('removes directories that deletes leave empty', async () => {
    await store.put('tenants/acme/images/1/original', Buffer.from('1'), 'image/png');
    await store.put('tenants/acme/images/1/jobs/j/round-1.jpg', Buffer.from('2'), 'image/jpeg');
    await store.put('tenants/other/images/2/original', Buffer.from('3'), 'image/png');
    await store.delete('tenants/acme/images/1/jobs/j/round-1.jpg');
    expect(await readdir(path.join(root, 'objects/tenants/acme/images/1'))).toEqual(['original']);
    expect(await store.deletePrefix('tenants/acme/')).toBe(1);
    expect(await readdir(path.join(root, 'objects/tenants'))).toEqual(['other']);
    expect(await readdir(path.join(root, 'meta/tenants'))).toEqual(['other']);
    // A key may later name what used to be a directory.
    await store.put('tenants/acme', Buffer.from('now a file'), 'text/plain');
    expect((await store.get('tenants/acme')).toString()).toBe('now a file');
  });

  it('serves a file placed by hand, as application/octet-stream', async () => {
    await mkdir(path.join(root, 'objects/imports'), { recursive: true });
    await writeFile(path.join(root, 'objects/imports/photo.jpg'), 'bytes');
    expect(await store.head('imports/photo.jpg')).toEqual({ size: 5, contentType: 'application/octet-stream' });
    expect(await store.deletePrefix('imports/')).toBe(1);
  });

  it('keeps serving the bytes a stream was opened on when the key is overwritten meanwhile', async () => {
    await store.put('k', Buffer.from('first version'), 'text/plain');
    const opened = await store.getStream('k');
    await store.put('k', Buffer.from('second'), 'text/plain');
    const chunks: Buffer[] = [];
    for await (const chunk of opened.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('first version');
    expect(opened.size).toBe('first version'.length);
    expect((await store.get('k')).toString()).toBe('second');
  });

  it('gives concurrent writers of one key a whole object each, never a mix', async () => {
    const versions = Array.from({ length: 8 }, (_, i) => Buffer.alloc(200_000, 65 + i));
    await Promise.all(versions.map((v) => store.put('race', v, 'application/octet-stream')));
    const final = await store.get('race');
    expect(versions.some((v) => v.equals(final))).toBe(true);
  });

  it('ping creates the root, and fails where it cannot write', async () => {
    await store.ping();
    expect((await stat(root)).isDirectory()).toBe(true);
    const blocked = path.join(sandbox, 'a-file');
    await writeFile(blocked, '');
    await expect(new FsObjectStore({ root: path.join(blocked, 'store') }).ping()).rejects.toThrow();
    if (process.getuid?.() !== 0) {
      // (root ignores permission bits, so this half only means something for other users)
      await chmod(root, 0o500);
      await expect(store.ping()).rejects.toThrow();
    }
  });
});
