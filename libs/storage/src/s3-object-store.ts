import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { assertObjectKey, assertObjectPrefix } from './object-keys.js';
import { ObjectNotFoundError, type ClosableObjectStore, type ObjectInfo, type PresignGetOptions, type PutOptions } from './object-store.js';
import { assertPresignOptions, attachmentDisposition } from './presign.js';
import { checkBufferSize, readAll, sizedStream } from './sized-body.js';

/** Bodies above this go up as multipart uploads, in parts of this size. */
export const DEFAULT_PART_SIZE_BYTES = 8 * 1024 * 1024;
/** S3's smallest allowed part (all but the last). */
const MIN_PART_SIZE_BYTES = 5 * 1024 * 1024;
/** Parts of one upload in flight at once: bounds memory at about queueSize × partSize. */
const UPLOAD_QUEUE_SIZE = 4;
/** DeleteObjects takes at most 1000 keys a request. */
const DELETE_BATCH = 1000;
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface S3ObjectStoreOptions {
  readonly bucket: string;
  readonly region: string;
  /** Custom endpoint (MinIO, s3rver, R2…); undefined = AWS. */
  readonly endpoint?: string | undefined;
  /** Path-style URLs (`endpoint/bucket/key`), which MinIO and s3rver need. */
  readonly forcePathStyle?: boolean;
  /** Undefined = the SDK's default credential chain (env, profile, instance role…). */
  readonly credentials?: S3Credentials | undefined;
  /** Multipart threshold and part size, at least 5 MiB; default 8 MiB. */
  readonly partSizeBytes?: number;
}

function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/**
 * The ObjectStore port over the AWS SDK v3 S3 client, for AWS and S3-protocol servers.
 * Small bodies are one PutObject; bodies over the part size, and streams of unknown
 * length, are multipart uploads (lib-storage), so a large upload never sits in memory
 * whole. Presigned GETs let clients download results straight from the bucket.
 */
export class S3ObjectStore implements ClosableObjectStore {
  readonly client: S3Client;
  readonly bucket: string;
  readonly partSizeBytes: number;

  constructor(options: S3ObjectStoreOptions) {
    const partSize = options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES;
    if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE_BYTES) {
      throw new RangeError(`partSizeBytes must be an integer of at least ${MIN_PART_SIZE_BYTES} (S3's minimum part), got ${partSize}`);
    }
    const config: S3ClientConfig = {
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      // Checksums only where S3 requires them: keeps the adapter compatible with
      // S3-protocol servers that predate the SDK's default CRC32 trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (options.endpoint) config.endpoint = options.endpoint;
    if (options.credentials) config.credentials = { ...options.credentials };
    this.client = new S3Client(config);
    this.bucket = options.bucket;
    this.partSizeBytes = partSize;
  }

  async get(key: string): Promise<Buffer> {
    const { body } = await this.getStream(key);
    return readAll(body);
  }

  async getStream(key: string): Promise<ObjectInfo & { body: Readable }> {
    assertObjectKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      // In Node the SDK's body is an http.IncomingMessage, a Readable.
      if (!(response.Body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}`);
      return { body: response.Body, size: response.ContentLength ?? 0, contentType: response.ContentType ?? DEFAULT_CONTENT_TYPE };
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async put(key: string, body: Buffer | Readable, contentType: string, options: PutOptions = {}): Promise<void> {
    assertObjectKey(key);
    if (Buffer.isBuffer(body)) {
      checkBufferSize(body, key, options.size);
      if (body.length <= this.partSizeBytes) return this.putOnce(key, body, contentType);
      return this.putMultipart(key, body, contentType);
    }
    const sized = sizedStream(body, key, options.size);
    // A small stream of known length is read whole (at most one part) and sent as one
    // request; anything else streams through a multipart upload.
    if (options.size !== undefined && options.size <= this.partSizeBytes) return this.putOnce(key, await readAll(sized), contentType);
    return this.putMultipart(key, sized, contentType);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertObjectKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: response.ContentLength ?? 0, contentType: response.ContentType ?? DEFAULT_CONTENT_TYPE };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertObjectPrefix(prefix);
    let count = 0;
    // List from the start each round: what was deleted no longer shows, so no
    // continuation token has to survive the deletes.
    for (;;) {
      const listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: DELETE_BATCH }));
      const keys = (listed.Contents ?? []).map((o) => o.Key).filter((k): k is string => k !== undefined);
      if (keys.length === 0) return count;
      const result = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw new Error(`S3 refused to delete ${failed.length} object(s) under ${JSON.stringify(prefix)}, e.g. ${failed[0].Key}: ${failed[0].Code} ${failed[0].Message}`);
      }
      count += keys.length;
    }
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<string | undefined> {
    assertObjectKey(key);
    assertPresignOptions(options);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(options.downloadName === undefined ? {} : { ResponseContentDisposition: attachmentDisposition(options.downloadName) }),
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }

  /** Readiness: the bucket answers HeadBucket with these credentials. */
  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** Creates the bucket unless it exists (development and tests; production buckets are provisioned). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isNotFound(error) && (error as { name?: string }).name !== 'NoSuchBucket') throw error;
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  async close(): Promise<void> {
    this.destroy();
  }

  /** Closes the client's sockets (synchronous form of close()). */
  destroy(): void {
    this.client.destroy();
  }

  private async putOnce(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length }));
  }

  private async putMultipart(key: string, body: Buffer | Readable, contentType: string): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      partSize: this.partSizeBytes,
      queueSize: UPLOAD_QUEUE_SIZE,
      // A failed upload is aborted, so no orphaned parts keep costing storage.
      leavePartsOnError: false,
    });
    await upload.done();
  }
}
