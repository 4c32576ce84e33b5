import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageIoError } from './errors.js';
import { probeImage } from './probe.js';
import { craftedPngHeader, ftyp, halfImage } from './test-images.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof ImageIoError ? error.code : `not an ImageIoError: ${String(error)}`;
  }
  return undefined;
}

const limits = { maxPixels: 1_000_000 };

describe('probeImage', () => {
  it('reports format, upright size, orientation, profile, depth and pages from the header', async () => {
    expect(await probeImage(await halfImage(8, 4), limits)).toEqual({ format: 'png', width: 8, height: 4, orientation: 1, hasIcc: false, bitDepth: 8, pages: 1 });
    const rotated = await sharp(await halfImage(8, 4)).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect(await probeImage(rotated, limits)).toMatchObject({ format: 'jpeg', width: 4, height: 8, orientation: 6 });
    const tagged = await sharp(await halfImage(8, 4)).withIccProfile('p3').jpeg().toBuffer();
    expect((await probeImage(tagged, limits)).hasIcc).toBe(true);
    const sixteen = await sharp(new Uint16Array(6), { raw: { width: 2, height: 1, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
    expect((await probeImage(sixteen, limits)).bitDepth).toBe(16);
    const avif10 = await sharp(await halfImage(8, 4)).avif({ bitdepth: 10 }).toBuffer();
    expect(await probeImage(avif10, limits)).toMatchObject({ format: 'avif', width: 8, height: 4, bitDepth: 10 });
    const pages = [await halfImage(8, 4), await halfImage(8, 4)];
    const multiPage = await sharp(pages, { join: { animated: true } }).tiff().toBuffer();
    expect(await probeImage(multiPage, limits)).toMatchObject({ format: 'tiff', width: 8, height: 4, pages: 2 });
  });

  it('refuses a 100 000 × 100 000 PNG header fast, without decoding it', async () => {
    const bomb = craftedPngHeader(100_000, 100_000);
    expect(bomb.length).toBeLessThan(200);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const error = await probeImage(bomb, { maxPixels: 110_000_000 }).catch((e: unknown) => e);
    const ms = performance.now() - started;
    expect(error).toBeInstanceOf(ImageIoError);
    expect((error as ImageIoError).code).toBe('image_too_large');
    expect((error as ImageIoError).message).toMatch(/100000×100000 = 10000000000 pixels, over the limit of 110000000/);
    // Decoding would need 30 GB; the header is all that was read.
    expect(ms).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    // The same header within the limit is a valid probe.
    expect(await probeImage(bomb, { maxPixels: 10_000_000_000 })).toMatchObject({ format: 'png', width: 100_000, height: 100_000 });
  });

  it('applies the limit to width × height, inclusive', async () => {
    expect(await codeOf(probeImage(await halfImage(10, 10), { maxPixels: 99 }))).toBe('image_too_large');
    expect(await codeOf(probeImage(await halfImage(10, 10), { maxPixels: 100 }))).toBeUndefined();
  });

  it('refuses formats that are not accepted, and says which', async () => {
    const gif = await sharp(await halfImage(4, 4)).gif().toBuffer();
    const error = await probeImage(gif, limits).catch((e: unknown) => e);
    expect((error as ImageIoError).code).toBe('unsupported_format');
    expect((error as ImageIoError).message).toMatch(/^GIF is not accepted \(accepted: JPEG, PNG, WEBP, TIFF, AVIF, HEIF\)$/);
    expect(await codeOf(probeImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'), limits))).toBe('unsupported_format');
    expect(await codeOf(probeImage(Buffer.from('definitely not an image'), limits))).toBe('unsupported_format');
  });

  it('refuses empty, truncated and corrupt headers with invalid_image', async () => {
    const png = await halfImage(8, 4);
    expect(await codeOf(probeImage(Buffer.alloc(0), limits))).toBe('invalid_image');
    expect(await codeOf(probeImage(png.subarray(0, 20), limits))).toBe('invalid_image');
    expect(await codeOf(probeImage(Buffer.from('\xff\xd8\xff\xe0 not really a jpeg', 'latin1'), limits))).toBe('invalid_image');
    expect(await codeOf(probeImage(ftyp('heic', ['mif1']), limits))).toBe('invalid_image');
  });

  it('rejects a nonsensical limit', async () => {
    await expect(probeImage(await halfImage(2, 2), { maxPixels: 0 })).rejects.toThrow(RangeError);
  });
});
