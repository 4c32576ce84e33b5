#!/usr/bin/env node
// Makes a fresh clone runnable: installs dependencies when node_modules is missing or
// older than package-lock.json, builds (incremental; a no-op when up to date) and
// fetches the optional segmentation models.
// Uses nothing but Node's standard library, since it runs before any install.
// `--no-build` skips the build (the test runner reads TypeScript sources directly);
// `--no-models` skips fetching the optional segmentation models.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? 'skip' } });
const marker = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  console.error('pertouch setup: installing dependencies (npm ci)…');
  run('npm ci --no-audit --no-fund');
}
if (!process.argv.includes('--no-build')) run('npx nx run-many -t build --output-style=static');
// The segmenter's optional models (docs/models.md): fetched once from the npm registry,
// checksummed, cached outside the repository; a no-op when they are there.
if (!process.argv.includes('--no-models')) run('node scripts/fetch-models.mjs');
