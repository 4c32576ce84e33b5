import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode.js';
import { decodeGreyPng, encodeGreyPng } from './encode.js';
import { SegmenterError } from './errors.js';

/** A w×h RGB image: red on the left half, blue on the right. */
async function halfImage(width: number, height: number, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[(y * width + x) * 3 + (x < width / 2 ? 0 : 2)] = 255;
  }
  const image = sharp(data, { raw: { width, height, channels: 3 } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 95 }).toBuffer();
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof SegmenterError ? error.code : `not a SegmenterError: ${String(error)}`;
  }
  return undefined;
}

describe('decodeImage', () => {
  it('decodes to 8-bit interleaved RGB', async () => {
    const image = await decodeImage(await halfImage(8, 4), 1000);
    expect(image.width).toBe(8);
    expect(image.height).toBe(4);
    expect(image.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(image.data.slice(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(image.data.slice(7 * 3, 8 * 3))).toEqual([0, 0, 255]);
  });

  it('applies EXIF orientation (6 = rotate 90° clockwise)', async () => {
    const rotated = await sharp(await halfImage(8, 4)).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const image = await decodeImage(rotated, 1000);
    expect([image.width, image.height]).toEqual([4, 8]);
    // Red was on the left; rotated clockwise it is on top.
    expect(image.data[0]).toBeGreaterThan(200);
    expect(image.data[(7 * 4) * 3 + 2]).toBeGreaterThan(200);
  });

  it('drops alpha, expands grey and reduces 16-bit to 8-bit', async () => {
    const rgba = await sharp({ create: { width: 3, height: 2, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } }).png().toBuffer();
    expect(Array.from((await decodeImage(rgba, 100)).data.slice(0, 3))).toEqual([10, 20, 30]);
    const grey = await sharp(Buffer.from([0, 128, 255, 64]), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
    expect(Array.from((await decodeImage(grey, 100)).data.slice(0, 6))).toEqual([0, 0, 0, 128, 128, 128]);
    const sixteen = await sharp(new Uint16Array([65535, 0, 0, 0, 0, 65535]), { raw: { width: 2, height: 1, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    const decoded = await decodeImage(sixteen, 100);
    expect(decoded.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(decoded.data)).toEqual([255, 0, 0, 0, 0, 255]);
  });

  it('refuses corrupt, truncated and non-image bytes with invalid_image', async () => {
    const jpeg = await halfImage(64, 64, 'jpeg');
    expect(await codeOf(decodeImage(Buffer.from('definitely not an image'), 1000))).toBe('invalid_image');
    expect(await codeOf(decodeImage(Buffer.alloc(0), 1000))).toBe('invalid_image');
    expect(await codeOf(decodeImage(jpeg.subarray(0, jpeg.length / 2), 10_000))).toBe('invalid_image');
    const png = await halfImage(64, 64);
    const corrupt = Buffer.from(png);
    corrupt.fill(7, 60, 200);
    expect(await codeOf(decodeImage(corrupt, 10_000))).toBe('invalid_image');
  });

  it('refuses images over the pixel limit before decoding them', async () => {
    expect(await codeOf(decodeImage(await halfImage(10, 10), 99))).toBe('image_too_large');
    expect(await codeOf(decodeImage(await halfImage(10, 10), 100))).toBeUndefined();
  });
});

describe('encodeGreyPng', () => {
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
});
