#!/usr/bin/env node
/**
 * Demo (run after the build: `npx tsc -b apps/cli`): auto-retouches every photo in
 * samples/ with the pertouch CLI into out/demo-cli/<name>.jpg, printing per photo the
 * elapsed time and the whole image's as-shot → achieved values, then builds
 * out/demo-cli/contact-sheet.jpg: one row per photo, before | after, captioned.
 *
 * Usage: node scripts/demo.mjs   (paths are relative to the repository root)
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'apps/cli/dist/main.js');
const SAMPLES = join(ROOT, 'samples');
const OUT = join(ROOT, 'out/demo-cli');
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp', '.avif']);
const ATTRIBUTES = ['colorfulness', 'contrast', 'temperature', 'brightness'];

// Contact sheet layout, in pixels.
const THUMB_HEIGHT = 360;
const THUMB_MAX_WIDTH = 640;
const GAP = 16;
const CAPTION_HEIGHT = 36;
const MARGIN = 24;
const BACKGROUND = '#202020';

const run = promisify(execFile);
const signed = (v) => (v >= 0 ? '+' : '') + v.toFixed(2);

/** Runs `pertouch auto` on one photo; returns the parsed JSON report. */
async function autoRetouch(source, target) {
  try {
    const { stdout } = await run(process.execPath, [CLI, 'auto', source, '-o', target, '--json'], { maxBuffer: 16 << 20 });
    return JSON.parse(stdout);
  } catch (error) {
    const detail = (error.stderr || error.message || String(error)).trim().split('\n')[0];
    throw new Error(`${basename(source)}: ${detail}`, { cause: error });
  }
}

/** A thumbnail at most THUMB_MAX_WIDTH × THUMB_HEIGHT, upright, as PNG with its size. */
async function thumbnail(path) {
  const { data, info } = await sharp(path, { autoOrient: true })
    .resize({ width: THUMB_MAX_WIDTH, height: THUMB_HEIGHT, fit: 'inside' })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { input: data, width: info.width, height: info.height };
}

const escapeXml = (s) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function caption(text, width) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${CAPTION_HEIGHT}">` +
    `<text x="0" y="${CAPTION_HEIGHT - 10}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="20" fill="#e8e8e8">${escapeXml(text)}</text></svg>`;
  return Buffer.from(svg);
}

/** Builds the contact sheet; captions are dropped if text cannot be rendered here. */
async function contactSheet(rows, path) {
  const rowWidth = Math.max(...rows.map((r) => r.before.width + GAP + r.after.width));
  const width = 2 * MARGIN + rowWidth;
  const height = 2 * MARGIN + rows.length * (CAPTION_HEIGHT + THUMB_HEIGHT + GAP) - GAP;
  const images = [];
  const captions = [];
  rows.forEach((row, i) => {
    const top = MARGIN + i * (CAPTION_HEIGHT + THUMB_HEIGHT + GAP);
    captions.push({ input: caption(`${row.name}   —   before | after (pertouch auto)`, rowWidth), top, left: MARGIN });
    images.push({ input: row.before.input, top: top + CAPTION_HEIGHT, left: MARGIN });
    images.push({ input: row.after.input, top: top + CAPTION_HEIGHT, left: MARGIN + row.before.width + GAP });
  });
  const sheet = (layers) =>
    sharp({ create: { width, height, channels: 3, background: BACKGROUND } })
      .composite(layers)
      .jpeg({ quality: 85 })
      .toFile(path);
  try {
    await sheet([...images, ...captions]);
    return true;
  } catch {
    await sheet(images);
    return false;
  }
}

async function main() {
  if (!existsSync(CLI)) throw new Error(`${relative(ROOT, CLI)} is missing: build first (npx tsc -b apps/cli)`);
  const names = (await readdir(SAMPLES)).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  if (names.length === 0) throw new Error(`no photos in ${SAMPLES}`);
  await mkdir(OUT, { recursive: true });
  const width = Math.max(...names.map((n) => n.length));
  const rows = [];
  const started = performance.now();
  for (const name of names) {
    const source = join(SAMPLES, name);
    const target = join(OUT, `${basename(name, extname(name))}.jpg`);
    const t0 = performance.now();
    const report = await autoRetouch(source, target);
    const ms = Math.round(performance.now() - t0);
    const whole = report.regions.find((r) => r.id === 0) ?? report.regions[0];
    const values = ATTRIBUTES.map((a) => `${a} ${signed(whole.asShot[a])}→${signed(whole.achieved[a])}`).join('  ');
    console.log(`${name.padEnd(width)}  ${String(ms).padStart(6)} ms  ${report.output.width}×${report.output.height}  ${values}`);
    rows.push({ name, before: await thumbnail(source), after: await thumbnail(target) });
  }
  const sheetPath = join(OUT, 'contact-sheet.jpg');
  const captioned = await contactSheet(rows, sheetPath);
  const total = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${names.length} photos in ${total} s${captioned ? '' : ' (captions skipped: no text rendering here)'}`);
  console.log(relative(process.cwd(), sheetPath) || sheetPath);
}

main().catch((error) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
