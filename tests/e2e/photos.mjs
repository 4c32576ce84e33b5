/** Test photos: the bundled samples reduced to about 1 MP, each variant distinct in its bytes. */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { ROOT } from '../../scripts/stack/launcher.mjs';

const SAMPLES = path.join(ROOT, 'samples');

/**
 * `count` JPEGs of about `megapixels` MP, cycling through the sample photos (variant n is
 * mirrored / re-encoded); `only` keeps the samples whose name matches it.
 */
export async function testPhotos(count, megapixels = 1, only = /./) {
  const names = (await readdir(SAMPLES)).filter((n) => /_by_.*\.jpg$/.test(n) && only.test(n)).sort();
  const photos = [];
  for (let i = 0; i < count; i++) {
    const name = names[i % names.length];
    const meta = await sharp(path.join(SAMPLES, name)).metadata();
    const scale = Math.sqrt((megapixels * 1e6) / (meta.width * meta.height));
    let pipeline = sharp(path.join(SAMPLES, name), { autoOrient: true }).resize(Math.round(meta.width * scale));
    const variant = Math.floor(i / names.length);
    if (variant % 2 === 1) pipeline = pipeline.flop();
    photos.push({ name, bytes: await pipeline.jpeg({ quality: 88 - variant }).toBuffer() });
  }
  return photos;
}
