import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';

let dir: string;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const code = await run(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: { PERTOUCH_MODELS: 'none' } });
  return { code, stdout, stderr };
}

/** Blue sky over green, textured grass; horizon at 40 % of the height. */
async function landscapeFile(name: string, width = 360, height = 240): Promise<string> {
  const data = new Uint8Array(width * height * 3);
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      const sky = y < 0.4 * height;
      const n = (rand() - 0.5) * 60;
      data.set(sky ? [80 + y / 4, 130 + y / 5, 220] : [60 + n * 0.6, 125 + n, 40 + n * 0.3], i);
    }
  }
  const path = join(dir, name);
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(path);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pertouch-segment-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('pertouch segment', () => {
  it('writes a label PNG that analyze accepts, an overlay, and the region table', async () => {
    const image = await landscapeFile('land.png');
    const labels = join(dir, 'labels.png'), overlay = join(dir, 'overlay.png');
    const res = await cli(['segment', image, '-o', labels, '--overlay', overlay, '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { regions: { id: number; label: string }[]; engine: string };
    expect(out.engine).toMatch(/^embedded@/);
    expect(out.regions.map((r) => r.label)).toEqual(expect.arrayContaining(['sky', 'vegetation']));
    const meta = await sharp(labels).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([360, 240, 1]);
    expect((await sharp(overlay).metadata()).format).toBe('png');
    const analyzed = await cli(['analyze', image, '--segmentation', labels, '--json']);
    expect(analyzed.code).toBe(0);
    expect((JSON.parse(analyzed.stdout) as { regions: unknown[] }).regions).toHaveLength(out.regions.length);
  });

  it('writes a prompted mask', async () => {
    const image = await landscapeFile('land2.png');
    const mask = join(dir, 'mask.png');
    const res = await cli(['segment', image, '--label', 'the sky', '-o', mask]);
    expect(res.code).toBe(0);
    const { data } = await sharp(mask).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect(data[10 * 360 + 100]).toBe(255);
    expect(data[200 * 360 + 100]).toBe(0);
  });

  it('exits 2 with one line and no output file for bad input', async () => {
    const image = await landscapeFile('land3.png');
    const corrupt = join(dir, 'corrupt.jpg');
    await writeFile(corrupt, Buffer.from('not a jpeg at all'));
    const mask = join(dir, 'never.png');
    const cases: [string[], RegExp][] = [
      [['segment', image, '--point', '400,10', '-o', mask], /^pertouch: \[segment\.prompt_outside_image\] /],
      [['segment', image, '--label', 'flibbertigibbet', '-o', mask], /^pertouch: \[segment\.unknown_label\] /],
      [['segment', image, '--box', '5,5,1', '-o', mask], /^pertouch: \[usage\.invalid_option\] /],
      [['segment', image, '--engine', 'magic', '-o', mask], /^pertouch: \[usage\.invalid_option\] /],
      [['segment', corrupt, '-o', mask], /^pertouch: \[image\./],
    ];
    for (const [args, pattern] of cases) {
      const res = await cli(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(pattern);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(mask)).toBe(false);
    }
  });
});
