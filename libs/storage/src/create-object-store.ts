import type { StorageConfig } from './config.js';
import { FsObjectStore } from './fs-object-store.js';
import type { ClosableObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-object-store.js';

/** The adapter a StorageConfig names. It does not create buckets or check reachability (that is ping()). */
export function createObjectStore(config: StorageConfig): ClosableObjectStore {
  switch (config.kind) {
    case 'fs':
      return new FsObjectStore({ root: config.dir });
    case 's3':
      return new S3ObjectStore(config.s3);
  }
}
