import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffFormat, sniffRefusedFormat } from './formats.js';
import { ftyp } from './test-images.js';

const pixel = () => sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } });

describe('sniffFormat', () => {
  it('recognises each accepted format from real files', async () => {
    expect(sniffFormat(await pixel().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffFormat(await pixel().png().toBuffer())).toBe('png');
    expect(sniffFormat(await pixel().webp().toBuffer())).toBe('webp');
    expect(sniffFormat(await pixel().tiff().toBuffer())).toBe('tiff');
    expect(sniffFormat(await pixel().avif().toBuffer())).toBe('avif');
  });

  it('tells AVIF from HEIF by the ftyp brands, major first', () => {
    expect(sniffFormat(ftyp('avif', ['mif1', 'miaf']))).toBe('avif');
    expect(sniffFormat(ftyp('avis', ['msf1']))).toBe('avif');
    expect(sniffFormat(ftyp('heic', ['mif1', 'heic']))).toBe('heif');
    expect(sniffFormat(ftyp('heix', []))).toBe('heif');
    expect(sniffFormat(ftyp('mif1', ['heic']))).toBe('heif');
    expect(sniffFormat(ftyp('mif1', ['miaf', 'avif']))).toBe('avif');
    expect(sniffFormat(ftyp('mif1', []))).toBe('heif');
    // Other ISO-BMFF files are not images.
    expect(sniffFormat(ftyp('isom', ['iso2', 'mp41']))).toBeUndefined();
    expect(sniffFormat(ftyp('qt  ', []))).toBeUndefined();
  });

  it('recognises both TIFF byte orders and BigTIFF', () => {
    expect(sniffFormat(Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]))).toBe('tiff');
    expect(sniffFormat(Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]))).toBe('tiff');
    expect(sniffFormat(Buffer.from([0x4d, 0x4d, 0x00, 0x2b, 0, 8, 0, 0]))).toBe('tiff');
  });

  it('names nothing else, whatever the bytes claim to be', async () => {
    const gif = await pixel().gif().toBuffer();
    expect(sniffFormat(gif)).toBeUndefined();
    expect(sniffRefusedFormat(gif)).toBe('GIF');
    expect(sniffFormat(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffRefusedFormat(Buffer.from('<?xml version="1.0"?>\n<svg/>'))).toBe('SVG');
    expect(sniffRefusedFormat(Buffer.from('%PDF-1.7'))).toBe('PDF');
    expect(sniffFormat(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
    expect(sniffFormat(Buffer.alloc(0))).toBeUndefined();
    expect(sniffFormat(Buffer.from([0xff, 0xd8]))).toBeUndefined(); // too short to be a JPEG
    expect(sniffFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
    expect(sniffRefusedFormat(Buffer.from('hello'))).toBeUndefined();
  });
});
