import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageIoError } from './errors.js';
import { decodeGreyPng, encodeGreyPng } from './grey-png.js';

describe('encodeGreyPng / decodeGreyPng', () => {
  it('writes an 8-bit greyscale PNG that decodes to the same bytes', async () => {
    const labels = new Uint8Array(5 * 3);
    for (let i = 0; i < labels.length; i++) labels[i] = (i * 37) % 256;
    const png = await encodeGreyPng(5, 3, labels);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.channels).toBe(1);
    expect(meta.depth).toBe('uchar');
    expect(meta.isPalette).toBeFalsy();
    const back = await decodeGreyPng(png);
    expect([back.width, back.height]).toEqual([5, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(labels));
  });

  it('refuses a raster of the wrong size', async () => {
    await expect(encodeGreyPng(2, 2, new Uint8Array(3))).rejects.toThrow(RangeError);
    await expect(encodeGreyPng(0, 2, new Uint8Array(0))).rejects.toThrow(RangeError);
  });

  it('decodes only PNGs, within the pixel limit', async () => {
    const png = await encodeGreyPng(10, 10, new Uint8Array(100));
    await expect(decodeGreyPng(png, { maxPixels: 99 })).rejects.toMatchObject({ name: 'ImageIoError', code: 'image_too_large' });
    const jpeg = await sharp(png).jpeg().toBuffer();
    await expect(decodeGreyPng(jpeg)).rejects.toMatchObject({ code: 'unsupported_format' });
    const truncated = png.subarray(0, png.length - 20);
    const error = await decodeGreyPng(truncated).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageIoError);
    expect((error as ImageIoError).code).toBe('invalid_image');
  });
});
