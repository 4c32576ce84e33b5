import type pg from 'pg';
import type { ImageRecord, ImageRepository, NewImage } from '../ports.js';
import { toImage, type ImageRow } from '../rows.js';

export class PostgresImageRepository implements ImageRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(image: NewImage): Promise<ImageRecord> {
    const { rows } = await this.pool.query<ImageRow>(
      `INSERT INTO images (id, tenant_id, object_key, format, width, height, bytes, sha256)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING *`,
      [image.id, image.tenantId, image.objectKey, image.format, image.width, image.height, image.bytes, image.sha256],
    );
    return toImage(rows[0]);
  }

  async get(tenantId: string, id: string): Promise<ImageRecord | undefined> {
    const { rows } = await this.pool.query<ImageRow>('SELECT * FROM images WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] && toImage(rows[0]);
  }

  async existing(tenantId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM images WHERE tenant_id = $1 AND id = ANY($2::text[])', [tenantId, [...ids]]);
    return new Set(rows.map((r) => r.id));
  }
}
