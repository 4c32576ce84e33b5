/** Uploaded images as the API returns them. */
import { z } from 'zod';
import { PublicImageIdSchema } from './ids.js';

/** Formats accepted on upload (sniffed from the bytes, never from the name or Content-Type). */
export const INPUT_FORMATS = ['jpeg', 'png', 'webp', 'tiff', 'avif', 'heif'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export const ImageSchema = z.object({
  id: PublicImageIdSchema,
  object: z.literal('image'),
  /** Upright size (after EXIF orientation). */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  format: z.enum(INPUT_FORMATS),
  bytes: z.number().int().positive(),
  sha256: z.string(),
  createdAt: z.string(),
});
export type ImageView = z.infer<typeof ImageSchema>;
