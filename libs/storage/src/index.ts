/**
 * @pertouch/storage — the object-storage port (ObjectStore) and its adapters: S3 (and
 * S3-protocol servers), a local directory (the embedded default) and memory (tests).
 */
export * from './object-store.js';
export { InvalidObjectKeyError, MAX_KEY_BYTES, assertObjectKey, assertObjectPrefix } from './object-keys.js';
export { MAX_PRESIGN_SECONDS } from './presign.js';
export * from './s3-object-store.js';
export * from './fs-object-store.js';
export * from './memory-object-store.js';
export * from './config.js';
export * from './create-object-store.js';
