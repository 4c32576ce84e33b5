/** A before | after contact sheet: one row per photo, captioned, as JPEG. */
import sharp from 'sharp';
import path from 'node:path';

const THUMB_HEIGHT = 320;
const THUMB_MAX_WIDTH = 560;
const GAP = 16;
const CAPTION_HEIGHT = 34;
const MARGIN = 24;

async function thumbnail(file) {
  const { data, info } = await sharp(file, { autoOrient: true }).resize({ width: THUMB_MAX_WIDTH, height: THUMB_HEIGHT, fit: 'inside' }).png().toBuffer({ resolveWithObject: true });
  return { input: data, width: info.width, height: info.height };
}

const escapeXml = (s) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const caption = (text, width) =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${CAPTION_HEIGHT}"><text x="0" y="${CAPTION_HEIGHT - 10}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="19" fill="#e8e8e8">${escapeXml(text)}</text></svg>`,
  );

/** rows: [{ name, before: file, after: file, title? }]. Captions are dropped if text can't be rendered here. */
export async function contactSheet(rows, file, title) {
  if (rows.length === 0) throw new Error('contact sheet: no rows');
  const thumbs = await Promise.all(rows.map(async (r) => ({ name: r.name, title: r.title, before: await thumbnail(r.before), after: await thumbnail(r.after) })));
  const rowWidth = Math.max(...thumbs.map((r) => r.before.width + GAP + r.after.width));
  const width = 2 * MARGIN + rowWidth;
  const height = 2 * MARGIN + thumbs.length * (CAPTION_HEIGHT + THUMB_HEIGHT + GAP) - GAP;
  const images = [];
  const captions = [];
  thumbs.forEach((row, i) => {
    const top = MARGIN + i * (CAPTION_HEIGHT + THUMB_HEIGHT + GAP);
    captions.push({ input: caption(`${path.parse(row.name).name}  —  ${row.title ?? title}`, rowWidth), top, left: MARGIN });
    images.push({ input: row.before.input, top: top + CAPTION_HEIGHT, left: MARGIN });
    images.push({ input: row.after.input, top: top + CAPTION_HEIGHT, left: MARGIN + row.before.width + GAP });
  });
  const sheet = (layers) => sharp({ create: { width, height, channels: 3, background: '#202020' } }).composite(layers).jpeg({ quality: 85 }).toFile(file);
  try {
    await sheet([...images, ...captions]);
  } catch {
    await sheet(images);
  }
}
