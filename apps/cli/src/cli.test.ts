import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { DEFAULT_CALIBRATION, parseParameterMap, type RenderReport } from '@pertouch/imaging';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';

const SAMPLES = fileURLToPath(new URL('../../../samples/', import.meta.url));

let dir: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
  return { code, stdout, stderr };
}

const p = (...parts: string[]): string => join(dir, ...parts);

/** A smooth, textured 8-bit RGB test pattern. */
function pattern(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      data[i] = (40 + (180 * x) / width + 10 * Math.sin(x * 0.7)) | 0;
      data[i + 1] = (60 + (120 * y) / height + 10 * Math.cos(y * 0.9)) | 0;
      data[i + 2] = (90 + 60 * Math.sin((x + y) * 0.05)) | 0;
    }
  }
  return data;
}

async function writePattern(name: string, width: number, height: number): Promise<string> {
  const path = p(name);
  await sharp(pattern(width, height), { raw: { width, height, channels: 3 } }).toFile(path);
  return path;
}

/** A 16-bit RGB PNG (untagged) with values that are not multiples of 257. */
async function write16BitPng(name: string, width: number, height: number): Promise<{ path: string; data: Uint16Array }> {
  const data = new Uint16Array(width * height * 3);
  const base = pattern(width, height);
  for (let i = 0; i < data.length; i++) data[i] = base[i] * 256 + ((i * 37) % 256);
  const path = p(name);
  await sharp(data, { raw: { width, height, channels: 3 } }).toColourspace('rgb16').png().toFile(path);
  return { path, data };
}

/** Greyscale label PNG: ids per pixel from `idAt(x, y)`. */
async function writeLabels(name: string, width: number, height: number, idAt: (x: number, y: number) => number): Promise<string> {
  const labels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) labels[y * width + x] = idAt(x, y);
  const path = p(name);
  await sharp(labels, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toFile(path);
  return path;
}

async function writeJson(name: string, value: unknown): Promise<string> {
  await writeFile(p(name), JSON.stringify(value));
  return p(name);
}

async function readRaw16(path: string): Promise<Uint16Array> {
  const buf = await sharp(path, { ignoreIcc: true }).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer();
  return new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

let photo: string; // a real photo, downscaled to 600 px wide
let small: string; // 64×48 synthetic PNG
let labels: string; // 32×24 labels for `small`: id 3 on the left, 7 on the right

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pertouch-cli-'));
  photo = p('photo.jpg');
  await sharp(join(SAMPLES, 'Kleiber_by_Lukas_Baubkus.jpg')).autoOrient().resize({ width: 600 }).jpeg({ quality: 95 }).toFile(photo);
  small = await writePattern('small.png', 64, 48);
  labels = await writeLabels('labels.png', 32, 24, (x) => (x < 16 ? 3 : 7));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('help and version', () => {
  it('prints the version and usage, exit 0', async () => {
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^pertouch \d+\.\d+\.\d+ \(calibration /);
    for (const args of [['--help'], ['-h'], ['help'], ['render', '--help'], ['help', 'auto'], ['analyze', '-h']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: pertouch');
      expect(r.stderr).toBe('');
    }
    expect((await cli(['render', '--help'])).stdout).toContain('--map MAP.json');
  });
});

describe('analyze', () => {
  it('prints the as-shot map as JSON that is itself a valid parameter map', async () => {
    const r = await cli(['analyze', photo, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['calibration', 'map', 'regions', 'workingSize']);
    const map = parseParameterMap(out.map, new Set([0]));
    expect(map.regions).toHaveLength(1);
    const values = map.regions[0].values;
    for (const a of ['colorfulness', 'contrast', 'temperature', 'brightness'] as const) {
      expect(values[a]).toBeGreaterThanOrEqual(-1);
      expect(values[a]).toBeLessThanOrEqual(1);
    }
    expect(out.regions[0]).toMatchObject({ id: 0, area: 1 });
    expect(Object.keys(out.regions[0].raw).sort()).toEqual(['brightness', 'colorfulness', 'contrast', 'temperature']);
    expect(out.workingSize).toEqual({ width: 512, height: expect.any(Number) });
    expect(out.calibration).toBe(DEFAULT_CALIBRATION.version);
  });

  it('prints a readable table, and one row group per region of a segmentation', async () => {
    const r = await cli(['analyze', small, '--segmentation', labels]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('64×48 8-bit');
    expect(r.stdout).toMatch(/region\s+area\s+attribute\s+raw\s+value/);
    expect(r.stdout).toMatch(/^\s+3\s+50\.0%\s+colorfulness/m);
    expect(r.stdout).toMatch(/^\s+7\s+50\.0%\s+colorfulness/m);
    const json = JSON.parse((await cli(['analyze', small, '-s', labels, '--json'])).stdout);
    expect(json.map.regions.map((x: { id: number }) => x.id)).toEqual([3, 7]);
  });

  it('reads a greyscale photo as RGB', async () => {
    const r = await cli(['analyze', join(SAMPLES, 'skimage_camera.png'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map.regions).toHaveLength(1);
  });
});

describe('render', () => {
  it('hits a whole-image brightness target on a real photo within 0.05', async () => {
    const asShot = JSON.parse((await cli(['analyze', photo, '--json'])).stdout).map.regions[0].values.brightness as number;
    const target = asShot > 0 ? asShot - 0.4 : asShot + 0.4;
    const map = await writeJson('brightness.json', { regions: [{ id: 0, values: { brightness: target } }] });
    const r = await cli(['render', photo, '--map', map, '-o', p('bright.png'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RenderReport & { output: { width: number; height: number; bitDepth: number } };
    const region = report.regions[0];
    expect(region.target.brightness).toBeCloseTo(target, 10);
    expect(Math.abs(region.achieved.brightness - target)).toBeLessThan(0.05);
    // Other attributes were not asked to change: their targets stay as shot.
    expect(region.target.contrast).toBeCloseTo(region.asShot.contrast, 10);

    const meta = await sharp(photo).metadata();
    const out = await sharp(p('bright.png')).metadata();
    expect([out.width, out.height]).toEqual([meta.width, meta.height]);
    expect(report.output).toMatchObject({ width: meta.width, height: meta.height, bitDepth: 8 });
    // Measured again from the file on disk.
    const again = JSON.parse((await cli(['analyze', p('bright.png'), '--json'])).stdout).map.regions[0].values.brightness;
    expect(Math.abs(again - target)).toBeLessThan(0.05);
  });

  it('writes a JPEG and prints the report table', async () => {
    const map = await writeJson('contrast.json', { global: { contrast: 0.2 } });
    const r = await cli(['render', photo, '-m', map, '-o', p('contrast.jpg'), '--quality', '85']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/region\s+area\s+attribute\s+as-shot\s+target\s+achieved\s+clipped/);
    expect(r.stdout).toMatch(/contrast\s+[+-]\d\.\d{3}\s+\+0\.200\s+[+-]\d\.\d{3}/);
    expect(r.stdout).toContain(`wrote ${p('contrast.jpg')}`);
    const meta = await sharp(p('contrast.jpg')).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.hasProfile).toBe(true);
  });

  it('edits one region of a segmentation and leaves the other alone', async () => {
    const map = await writeJson('region7.json', { regions: [{ id: 7, values: { brightness: 0.5 } }] });
    const r = await cli(['render', small, '-s', labels, '-m', map, '-o', p('region7.png'), '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RenderReport;
    const byId = new Map(report.regions.map((x) => [x.id, x]));
    expect(byId.get(3)?.edited).toBe(false);
    expect(byId.get(7)?.edited).toBe(true);
    expect(byId.get(7)?.target.brightness).toBe(0.5);
  });

  it('leaves pixels untouched for an empty map (no colour transform on the way)', async () => {
    const empty = await writeJson('empty.json', { regions: [] });
    const r = await cli(['render', small, '-m', empty, '-o', p('same.png')]);
    expect(r.code).toBe(0);
    const a = await sharp(small).raw().toBuffer();
    const b = await sharp(p('same.png'), { ignoreIcc: true }).raw().toBuffer();
    expect(b.equals(a)).toBe(true);
  });
});

describe('auto', () => {
  it('retouches every region to 0 and writes the output, creating folders', async () => {
    const out = p('nested', 'deeper', 'auto.jpg');
    const r = await cli(['auto', photo, '-o', out, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RenderReport;
    expect(report.regions[0].target).toEqual({ colorfulness: 0, contrast: 0, temperature: 0, brightness: 0 });
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('jpeg');
    expect(await readdir(p('nested', 'deeper'))).toEqual(['auto.jpg']);
  });

  it.each([
    ['webp', 'webp'],
    ['tif', 'tiff'],
    ['avif', 'heif'],
  ])('writes .%s with an sRGB profile', async (ext, format) => {
    const out = p(`auto.${ext}`);
    const r = await cli(['auto', small, '-s', labels, '-o', out]);
    expect(r.code).toBe(0);
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe(format);
    expect([meta.width, meta.height]).toEqual([64, 48]);
    expect(meta.hasProfile).toBe(true);
  });
});

describe('bit depth, orientation and colour management', () => {
  it('keeps 16 bits: 16-bit PNG in → 16-bit PNG and TIFF out, tagged sRGB, pixels exact for an empty map', async () => {
    const { path, data } = await write16BitPng('deep.png', 48, 32);
    const empty = await writeJson('empty16.json', { regions: [] });
    for (const name of ['deep-out.png', 'deep-out.tif']) {
      const r = await cli(['render', path, '-m', empty, '-o', p(name), '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).output.bitDepth).toBe(16);
      const meta = await sharp(p(name)).metadata();
      expect(meta.depth).toBe('ushort');
      expect(meta.hasProfile).toBe(true);
      expect(await readRaw16(p(name))).toEqual(data);
      // Reading our own tagged output back gives the same pixels (no trip through P3).
      const back = await cli(['render', p(name), '-m', empty, '-o', p(`again-${name}`)]);
      expect(back.code).toBe(0);
      expect(await readRaw16(p(`again-${name}`))).toEqual(data);
    }
    const auto = await cli(['auto', path, '-o', p('deep-auto.png')]);
    expect(auto.code).toBe(0);
    expect((await sharp(p('deep-auto.png')).metadata()).depth).toBe('ushort');
    const jpeg = await cli(['auto', path, '-o', p('deep-auto.jpg')]);
    expect(jpeg.code).toBe(0);
    expect((await sharp(p('deep-auto.jpg')).metadata()).depth).toBe('uchar');
  });

  it('converts an embedded non-sRGB profile (Adobe RGB) to sRGB', async () => {
    const rocket = join(SAMPLES, 'skimage_rocket.jpg');
    const empty = await writeJson('empty-icc.json', { regions: [] });
    expect((await cli(['render', rocket, '-m', empty, '-o', p('rocket.png')])).code).toBe(0);
    const ours = await sharp(p('rocket.png'), { ignoreIcc: true }).raw().toBuffer();
    const srgb = await sharp(rocket).raw().toBuffer();
    const untouched = await sharp(rocket, { ignoreIcc: true }).raw().toBuffer();
    expect(ours.equals(srgb)).toBe(true);
    expect(ours.equals(untouched)).toBe(false);
  });

  it('converts a 16-bit Adobe RGB file to sRGB (via sharp\'s P3 working space)', async () => {
    const rocket = join(SAMPLES, 'skimage_rocket.jpg');
    const adobe16 = p('rocket-adobe16.png');
    await sharp(rocket).keepIccProfile().toColourspace('rgb16').png().toFile(adobe16);
    const empty = await writeJson('empty-icc16.json', { regions: [] });
    expect((await cli(['render', adobe16, '-m', empty, '-o', p('rocket16.png')])).code).toBe(0);
    const ours = await readRaw16(p('rocket16.png'));
    const srgb = await sharp(rocket).raw().toBuffer();
    const untouched = await sharp(rocket, { ignoreIcc: true }).raw().toBuffer();
    const meanDiff = (b: Buffer): number => ours.reduce((sum, v, i) => sum + Math.abs(v / 257 - b[i]), 0) / ours.length;
    expect(meanDiff(srgb)).toBeLessThan(1.5);
    expect(meanDiff(untouched)).toBeGreaterThan(3 * meanDiff(srgb));
  });

  it('applies EXIF orientation 6: the output is upright (width and height swapped)', async () => {
    const path = p('rotated.jpg');
    await sharp(pattern(40, 20), { raw: { width: 40, height: 20, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toFile(path);
    const r = await cli(['auto', path, '-o', p('upright.png')]);
    expect(r.code).toBe(0);
    const meta = await sharp(p('upright.png')).metadata();
    expect([meta.width, meta.height]).toEqual([20, 40]);
    expect(meta.orientation).toBeUndefined();
  });
});

/** A PNG whose header declares 20000×20000 pixels (400 MP) in a few hundred bytes. */
async function decompressionBomb(path: string): Promise<void> {
  const png = await sharp(pattern(8, 8), { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer();
  png.writeUInt32BE(20000, 16);
  png.writeUInt32BE(20000, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29);
  await writeFile(path, png);
}

describe('parse', () => {
  it('prints exactly the parse result with --json, words quoted or not', async () => {
    const quoted = await cli(['parse', 'darken the sky and brighten the person', '--json']);
    expect(quoted.code).toBe(0);
    expect(quoted.stderr).toBe('');
    expect(JSON.parse(quoted.stdout)).toEqual({
      type: 'strong',
      edits: [
        { region: 'sky', attribute: 'brightness', delta: -0.2 },
        { region: 'person', attribute: 'brightness', delta: 0.2 },
      ],
    });
    const unquoted = await cli(['parse', '--json', 'desaturate', 'everything', 'except', 'the', 'person']);
    expect(JSON.parse(unquoted.stdout)).toEqual({ type: 'strong', edits: [{ region: 'global', attribute: 'colorfulness', delta: -0.2, except: ['person'] }] });
    expect(JSON.parse((await cli(['parse', 'optimize this photo', '--json'])).stdout)).toEqual({ type: 'weak', edits: [] });
  });

  it('prints a short table without --json, with the notes', async () => {
    const r = await cli(['parse', 'make the sky a lot less blue and the skin a touch warmer']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('strong instruction: 2 edits');
    expect(lines[2].split(/\s+/)).toEqual(['region', 'attribute', 'delta']);
    expect(lines[3].split(/\s+/)).toEqual(['sky', 'temperature', '+0.40']);
    expect(lines[4].split(/\s+/)).toEqual(['skin', 'temperature', '+0.10']);
    expect(lines.at(-1)).toMatch(/^note: "blue" is read on the blue–amber axis/);
    expect((await cli(['parse', 'auto'])).stdout).toMatch(/^weak instruction/);
  });

  it('--photo shows the VLM the photo’s preview; its boxes come back in the photo’s pixels', async () => {
    const seen: { url: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const request = JSON.parse(body) as { messages: { content: string | { type: string; image_url?: { url: string } }[] }[] };
        for (const m of request.messages) if (Array.isArray(m.content)) for (const part of m.content) if (part.image_url) seen.push(part.image_url);
        const edits = [{ region: 'boat', attribute: 'brightness', delta: 0.2, box: { x0: 100, y0: 50, x1: 200, y1: 150 } }];
        res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: JSON.stringify({ type: 'strong', edits }) } }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const photo = await writePattern('wide.png', 2048, 1024);
      const env = { PERTOUCH_VLM_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, PERTOUCH_VLM_MODEL: 'test-vlm' };
      const r = await cli(['parse', 'brighten the boat', '--photo', photo, '--json'], env);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ type: 'strong', edits: [{ region: 'boat', attribute: 'brightness', delta: 0.2, box: { x0: 200, y0: 100, x1: 400, y1: 300 } }] });
      expect(seen).toHaveLength(1);
      const preview = Buffer.from(seen[0].url.replace(/^data:image\/jpeg;base64,/, ''), 'base64');
      expect(await sharp(preview).metadata()).toMatchObject({ format: 'jpeg', width: 1024, height: 512 });
      const missing = await cli(['parse', 'brighten the boat', '--photo', p('nope.jpg')], env);
      expect([missing.code, missing.stderr.startsWith('pertouch: [photo.not_found] ')]).toEqual([2, true]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    ['nothing PerTouch can do', ['parse', 'sharpen it'], 'instruction.unsupported_edit', {}],
    ['no edit at all', ['parse', 'hello there', '--json'], 'instruction.not_understood', {}],
    ['a blank instruction', ['parse', '  '], 'instruction.empty_instruction', {}],
    ['no instruction', ['parse'], 'usage.missing_argument', {}],
    ['an option of another command', ['parse', 'warmer', '-o', 'x.jpg'], 'usage.unknown_option', {}],
    ['a VLM URL without a model', ['parse', 'warmer'], 'config.invalid_vlm', { PERTOUCH_VLM_URL: 'http://127.0.0.1:9/v1' }],
  ])('%s → exit 2, [%s]', async (_name, args, code, env) => {
    const r = await cli(args, env as Record<string, string>);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.startsWith(`pertouch: [${code}] `)).toBe(true);
  });

  it('falls back to the rules when the configured VLM is unreachable, warning on stderr and keeping stdout JSON', async () => {
    const r = await cli(['parse', 'warmer', '--json'], { PERTOUCH_VLM_URL: 'http://127.0.0.1:9/v1', PERTOUCH_VLM_MODEL: 'm', PERTOUCH_VLM_RETRIES: '0' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ type: 'strong', edits: [{ region: 'global', attribute: 'temperature', delta: 0.2 }] });
    expect(r.stderr).toMatch(/^pertouch: warning: the VLM failed \(network: .*\); parsed by the rule engine\n$/);
  });

  it('documents itself', async () => {
    expect((await cli(['parse', '--help'])).stdout).toContain('Usage: pertouch parse "INSTRUCTION" [--photo PHOTO] [--json]');
    expect((await cli(['--help'])).stdout).toContain('parse "INSTRUCTION"');
  });
});

describe('bad input: exit 2, one line on stderr, no output file', () => {
  type Case = [name: string, code: string, setup: (out: string) => Promise<string[]>];
  const cases: Case[] = [
    ['missing image file', 'image.not_found', async (out) => ['auto', p('nope.jpg'), '-o', out]],
    ['corrupt (truncated) JPEG', 'image.corrupt', async (out) => {
      const full = await readFile(photo);
      await writeFile(p('truncated.jpg'), full.subarray(0, full.length >> 1));
      return ['auto', p('truncated.jpg'), '-o', out];
    }],
    ['text file renamed .jpg', 'image.unsupported_format', async (out) => {
      await writeFile(p('notes.jpg'), 'these are my notes, not a photo\n');
      return ['auto', p('notes.jpg'), '-o', out];
    }],
    ['decompression bomb', 'image.too_large', async (out) => {
      await decompressionBomb(p('bomb.png'));
      return ['auto', p('bomb.png'), '-o', out];
    }],
    ['map value 1.5', 'map.value_out_of_range', async (out) => ['render', photo, '-m', await writeJson('v15.json', { regions: [{ id: 0, values: { brightness: 1.5 } }] }), '-o', out]],
    ['unknown attribute', 'map.unknown_attribute', async (out) => ['render', photo, '-m', await writeJson('attr.json', { regions: [{ id: 0, values: { sharpness: 0.2 } }] }), '-o', out]],
    ['unknown region id', 'map.unknown_region', async (out) => ['render', small, '-s', labels, '-m', await writeJson('r9.json', { regions: [{ id: 9, values: { brightness: 0.2 } }] }), '-o', out]],
    ['map that is not JSON', 'map.invalid_json', async (out) => {
      await writeFile(p('broken.json'), '{"regions": [');
      return ['render', photo, '-m', p('broken.json'), '-o', out];
    }],
    ['segmentation with the wrong aspect ratio', 'segmentation.aspect_mismatch', async (out) => ['auto', small, '-s', await writeLabels('square.png', 32, 32, () => 0), '-o', out]],
    ['RGB segmentation', 'segmentation.not_greyscale', async (out) => ['auto', small, '-s', await writePattern('rgb-labels.png', 32, 24), '-o', out]],
    ['16-bit segmentation with ids over 255', 'segmentation.id_out_of_range', async (out) => {
      const ids = new Uint16Array(32 * 24).fill(300);
      await sharp(ids, { raw: { width: 32, height: 24, channels: 1 } }).toColourspace('grey16').png().toFile(p('labels16.png'));
      return ['auto', small, '-s', p('labels16.png'), '-o', out];
    }],
    ['unknown output extension', 'output.unsupported_format', async (out) => ['auto', small, '-o', out.replace(/\.jpg$/, '.bmp')]],
    ['missing -o', 'usage.missing_output', async () => ['auto', small]],
    ['missing IMAGE', 'usage.missing_argument', async (out) => ['auto', '-o', out]],
    ['unknown option', 'usage.unknown_option', async (out) => ['auto', small, '-o', out, '--sharpen']],
    ['option of another command', 'usage.unknown_option', async (out) => ['auto', small, '-o', out, '--map', 'x.json']],
    ['invalid quality', 'usage.invalid_quality', async (out) => ['auto', small, '-o', out, '-q', '101']],
    ['invalid calibration table', 'calibration.invalid', async (out) => ['auto', small, '-o', out, '--calibration', await writeJson('cal.json', { version: 'x', quantiles: {} })]],
  ];

  it.each(cases)('%s → [%s]', async (name, code, setup) => {
    const outDir = p('bad', name.replace(/\W+/g, '-'));
    const args = await setup(join(outDir, 'result.jpg'));
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.startsWith(`pertouch: [${code}] `)).toBe(true);
    expect(existsSync(outDir)).toBe(false);
  });

  it('reports the offending JSON path of a map value', async () => {
    const map = await writeJson('path.json', { regions: [{ id: 0, values: { brightness: 1.5 } }] });
    const r = await cli(['render', photo, '-m', map, '-o', p('x.jpg')]);
    expect(r.stderr).toBe('pertouch: [map.value_out_of_range] $.regions[0].values.brightness: 1.5 is outside [-1, 1]\n');
  });

  it('leaves no temporary file behind when the output cannot be written', async () => {
    const outDir = p('blocked');
    await mkdir(join(outDir, 'taken.jpg'), { recursive: true }); // a directory where the file should go
    const r = await cli(['auto', small, '-o', join(outDir, 'taken.jpg')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pertouch: \[output\.write_failed\] /);
    expect(await readdir(outDir)).toEqual(['taken.jpg']);
  });

  it('honours PERTOUCH_MAX_PIXELS and rejects a bad value of it', async () => {
    const limited = await cli(['analyze', small], { PERTOUCH_MAX_PIXELS: '1000' });
    expect(limited.code).toBe(2);
    expect(limited.stderr).toMatch(/^pertouch: \[image\.too_large\] .*64×48 = 3072 pixels, over the limit of 1000/);
    const invalid = await cli(['analyze', small], { PERTOUCH_MAX_PIXELS: 'lots' });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^pertouch: \[config\.invalid_max_pixels\] /);
  });

  it('rejects a bad PERTOUCH_THREADS with a one-line error', async () => {
    const bad = await cli(['analyze', small], { PERTOUCH_THREADS: 'many' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^pertouch: \[config.invalid_threads\] PERTOUCH_THREADS must be an integer in 1..256/);
  });

  it('loads the calibration table from PERTOUCH_CALIBRATION; --calibration wins', async () => {
    const table = await writeJson('table.json', { ...DEFAULT_CALIBRATION, version: 'test-table' });
    const viaEnv = await cli(['analyze', small, '--json'], { PERTOUCH_CALIBRATION: table });
    expect(JSON.parse(viaEnv.stdout).calibration).toBe('test-table');
    const missing = await cli(['analyze', small], { PERTOUCH_CALIBRATION: p('none.json') });
    expect(missing.stderr).toMatch(/^pertouch: \[calibration\.not_found\] /);
    const flag = await cli(['analyze', small, '--json', '--calibration', table], { PERTOUCH_CALIBRATION: p('none.json') });
    expect(JSON.parse(flag.stdout).calibration).toBe('test-table');
  });
});

describe('process hygiene', () => {
  it('reports an internal error as one line with exit 1, and the stack with PERTOUCH_DEBUG=1', async () => {
    const failing = { write: (): never => { throw new Error('stdout closed'); } };
    let stderr = '';
    const code = await run(['--version'], { stdout: failing, stderr: { write: (t: string) => (stderr += t) }, env: {} });
    expect(code).toBe(1);
    expect(stderr).toBe('pertouch: internal error: stdout closed (set PERTOUCH_DEBUG=1 for the stack)\n');
    stderr = '';
    expect(await run(['--version'], { stdout: failing, stderr: { write: (t: string) => (stderr += t) }, env: { PERTOUCH_DEBUG: '1' } })).toBe(1);
    expect(stderr).toMatch(/^pertouch: internal error: Error: stdout closed\n\s+at /);
  });

  it('only the bin entry touches the process exit status', async () => {
    const src = fileURLToPath(new URL('.', import.meta.url));
    const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const file of files) {
      const text = await readFile(join(src, file), 'utf8');
      if (file === 'main.ts') {
        expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
        continue;
      }
      expect(text, file).not.toMatch(/process\.(exit|exitCode)/);
    }
  });
});
