/**
 * Uploads: probe the bytes (format, upright size, pixel limit), keep the original as is
 * in object storage under the tenant's prefix, record it in Postgres.
 */
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { newId, objectKeys, type ImageView, type InputFormat } from '@pertouch/contracts';
import type { Database } from '@pertouch/db';
import type { ObjectStore } from '@pertouch/storage';
import type { GatewaySettings } from '../config.js';
import { notFound, problem } from '../http/problem.js';
import type { ImageProbe } from '../ports.js';
import { DATABASE, IMAGE_PROBE, OBJECT_STORE, SETTINGS } from '../tokens.js';
import { imageView } from '../views.js';

export const IMAGE_MIME_TYPES: Readonly<Record<InputFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  tiff: 'image/tiff',
  avif: 'image/avif',
  heif: 'image/heif',
};

@Injectable()
export class ImagesService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(IMAGE_PROBE) private readonly probe: ImageProbe,
    @Inject(SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  async upload(tenantId: string, bytes: Buffer): Promise<ImageView> {
    if (bytes.length === 0) throw problem('invalid_image', 'the upload is empty');
    const probed = await this.probe.probe(bytes, this.settings.maxPixels);
    const id = newId('image');
    const objectKey = objectKeys.original(tenantId, id);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.store.put(objectKey, bytes, IMAGE_MIME_TYPES[probed.format], { size: bytes.length });
    try {
      const record = await this.db.images.create({ id, tenantId, objectKey, format: probed.format, width: probed.width, height: probed.height, bytes: bytes.length, sha256 });
      return imageView(record);
    } catch (error) {
      // No row, no object: an orphan original would never be reachable or cleaned up.
      await this.store.delete(objectKey).catch(() => undefined);
      throw error;
    }
  }

  async get(tenantId: string, id: string): Promise<ImageView> {
    const record = await this.db.images.get(tenantId, id);
    if (!record) throw notFound('image', id);
    return imageView(record);
  }
}
