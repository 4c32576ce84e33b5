import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeRgb } from './decode.js';
import { ImageIoError } from './errors.js';
import { craftedPngHeader, halfImage } from './test-images.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof ImageIoError ? error.code : `not an ImageIoError: ${String(error)}`;
  }
  return undefined;
}

describe('decodeRgb', () => {
  it('decodes to 8-bit interleaved RGB', async () => {
    const image = await decodeRgb(await halfImage(8, 4), { maxPixels: 1000 });
    expect(image.width).toBe(8);
    expect(image.height).toBe(4);
    expect(image.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(image.data.slice(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(image.data.slice(7 * 3, 8 * 3))).toEqual([0, 0, 255]);
  });

  it('applies EXIF orientation (6 = rotate 90° clockwise)', async () => {
    const rotated = await sharp(await halfImage(8, 4)).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const image = await decodeRgb(rotated, { maxPixels: 1000 });
    expect([image.width, image.height]).toEqual([4, 8]);
    // Red was on the left; rotated clockwise it is on top.
    expect(image.data[0]).toBeGreaterThan(200);
    expect(image.data[(7 * 4) * 3 + 2]).toBeGreaterThan(200);
  });

  it('converts an embedded ICC profile to sRGB', async () => {
    // A Display P3 file of an sRGB colour: its stored numbers are P3 numbers.
    const srgb = [200, 100, 50];
    const p3File = await sharp(Buffer.from(srgb), { raw: { width: 1, height: 1, channels: 3 } }).withIccProfile('p3').png().toBuffer();
    const stored = Array.from(await sharp(p3File, { ignoreIcc: true }).raw().toBuffer());
    expect(Math.abs(stored[0] - srgb[0]) + Math.abs(stored[1] - srgb[1]) + Math.abs(stored[2] - srgb[2])).toBeGreaterThan(15);
    const decoded = Array.from((await decodeRgb(p3File, { maxPixels: 100 })).data);
    decoded.forEach((v, i) => expect(Math.abs(v - srgb[i])).toBeLessThanOrEqual(2));
  });

  it('drops alpha, expands grey and reduces 16-bit to 8-bit', async () => {
    const rgba = await sharp({ create: { width: 3, height: 2, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } }).png().toBuffer();
    expect(Array.from((await decodeRgb(rgba, { maxPixels: 100 })).data.slice(0, 3))).toEqual([10, 20, 30]);
    const grey = await sharp(Buffer.from([0, 128, 255, 64]), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
    expect(Array.from((await decodeRgb(grey, { maxPixels: 100 })).data.slice(0, 6))).toEqual([0, 0, 0, 128, 128, 128]);
    const sixteen = await sharp(new Uint16Array([65535, 0, 0, 0, 0, 65535]), { raw: { width: 2, height: 1, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    const decoded = await decodeRgb(sixteen, { maxPixels: 100 });
    expect(decoded.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(decoded.data)).toEqual([255, 0, 0, 0, 0, 255]);
  });

  it('decodes the first page of a multi-page file', async () => {
    const red = await sharp({ create: { width: 4, height: 2, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const blue = await sharp({ create: { width: 4, height: 2, channels: 3, background: '#0000ff' } }).png().toBuffer();
    const tiff = await sharp([red, blue], { join: { animated: true } }).tiff({ compression: 'deflate' }).toBuffer();
    const image = await decodeRgb(tiff, { maxPixels: 100 });
    expect([image.width, image.height]).toEqual([4, 2]);
    expect(Array.from(image.data.slice(0, 3))).toEqual([255, 0, 0]);
  });

  it('decodes every accepted format it can write', async () => {
    for (const format of ['jpeg', 'png', 'webp', 'tiff', 'avif'] as const) {
      const bytes = await sharp(await halfImage(16, 8)).toFormat(format).toBuffer();
      const image = await decodeRgb(bytes, { maxPixels: 1000 });
      expect([image.width, image.height], format).toEqual([16, 8]);
      expect(image.data[0], format).toBeGreaterThan(200); // red, left
    }
  });

  it('refuses corrupt, truncated and non-image bytes with invalid_image, other formats with unsupported_format', async () => {
    const jpeg = await halfImage(64, 64, 'jpeg');
    expect(await codeOf(decodeRgb(Buffer.alloc(0), { maxPixels: 1000 }))).toBe('invalid_image');
    // A JPEG cut short: the header is fine, the pixel data ends early.
    expect(await codeOf(decodeRgb(jpeg.subarray(0, jpeg.length / 2), { maxPixels: 10_000 }))).toBe('invalid_image');
    const png = await halfImage(64, 64);
    const corrupt = Buffer.from(png);
    corrupt.fill(7, 60, 200);
    expect(await codeOf(decodeRgb(corrupt, { maxPixels: 10_000 }))).toBe('invalid_image');
    expect(await codeOf(decodeRgb(Buffer.from('definitely not an image'), { maxPixels: 1000 }))).toBe('unsupported_format');
    expect(await codeOf(decodeRgb(await sharp(png).gif().toBuffer(), { maxPixels: 10_000 }))).toBe('unsupported_format');
  });

  it('refuses images over the pixel limit before decoding them', async () => {
    expect(await codeOf(decodeRgb(await halfImage(10, 10), { maxPixels: 99 }))).toBe('image_too_large');
    expect(await codeOf(decodeRgb(await halfImage(10, 10), { maxPixels: 100 }))).toBeUndefined();
    expect(await codeOf(decodeRgb(craftedPngHeader(100_000, 100_000), { maxPixels: 110_000_000 }))).toBe('image_too_large');
  });
});
