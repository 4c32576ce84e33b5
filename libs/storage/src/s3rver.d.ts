// Minimal types for s3rver (a root devDependency: the in-process S3 server of the
// storage and segmenter integration tests and the segmenter throughput benchmark); the
// package ships none. One copy for the whole repository: tsconfig.spec.json type-checks
// every package's tests together, and a second `declare module` would clash.
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string }[];
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
