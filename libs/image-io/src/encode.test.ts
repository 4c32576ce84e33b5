import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeRgb } from './decode.js';
import { CONTENT_TYPES, encodeImage } from './encode.js';
import { sniffFormat } from './formats.js';

/** A 32×16 gradient: smooth enough that lossy codecs stay close. */
function gradient(width = 32, height = 16): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x * 8, y * 16, 128], (y * width + x) * 3);
  }
  return { width, height, data };
}

const meanError = (a: Uint8Array, b: Uint8Array) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;

describe('encodeImage', () => {
  it('writes each output format, tagged sRGB, that decodes back to the same image', async () => {
    const image = gradient();
    for (const format of ['jpeg', 'png', 'webp', 'avif', 'tiff'] as const) {
      const bytes = await encodeImage(image, { format, quality: 95 });
      expect(sniffFormat(bytes), format).toBe(format);
      const meta = await sharp(bytes).metadata();
      expect(meta.hasProfile, format).toBe(true);
      expect(meta.exif, format).toBeUndefined();
      const back = await decodeRgb(bytes, { maxPixels: 1000 });
      expect([back.width, back.height], format).toEqual([32, 16]);
      const error = meanError(back.data, image.data);
      if (format === 'png' || format === 'tiff') expect(error, format).toBe(0);
      else expect(error, format).toBeLessThan(4);
    }
    expect(Object.keys(CONTENT_TYPES).sort()).toEqual(['avif', 'jpeg', 'png', 'tiff', 'webp']);
  });

  it('trades size for quality in lossy formats (default 90)', async () => {
    const noisy = gradient(64, 64);
    for (let i = 0; i < noisy.data.length; i++) noisy.data[i] = (noisy.data[i] + ((i * 2654435761) >>> 27)) & 255;
    const low = await encodeImage(noisy, { format: 'jpeg', quality: 20 });
    const high = await encodeImage(noisy, { format: 'jpeg', quality: 95 });
    expect(low.length).toBeLessThan(high.length);
    const byDefault = await encodeImage(noisy, { format: 'jpeg' });
    expect(byDefault.equals(await encodeImage(noisy, { format: 'jpeg', quality: 90 }))).toBe(true);
  });

  it('rounds 16-bit samples to 8 bits', async () => {
    const png = await encodeImage({ width: 2, height: 1, data: new Uint16Array([65535, 32896, 0, 257, 0, 65535]) }, { format: 'png' });
    expect(Array.from((await decodeRgb(png, { maxPixels: 10 })).data)).toEqual([255, 128, 0, 1, 0, 255]);
  });

  it('refuses a wrong-sized buffer, a bad quality or format (caller bugs)', async () => {
    await expect(encodeImage({ width: 2, height: 2, data: new Uint8Array(11) }, { format: 'png' })).rejects.toThrow(RangeError);
    await expect(encodeImage({ width: 0, height: 2, data: new Uint8Array(0) }, { format: 'png' })).rejects.toThrow(RangeError);
    await expect(encodeImage(gradient(), { format: 'jpeg', quality: 0 })).rejects.toThrow(RangeError);
    await expect(encodeImage(gradient(), { format: 'jpeg', quality: 90.5 })).rejects.toThrow(RangeError);
    await expect(encodeImage(gradient(), { format: 'gif' as 'png' })).rejects.toThrow(RangeError);
  });
});
