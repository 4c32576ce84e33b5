import type { Env } from './config.js';

/** Something text can be written to: process.stdout, or a test's collector. */
export interface Writer {
  write(text: string): unknown;
}

/** Everything the CLI touches of its process, so that tests can run it in-process. */
export interface CliIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  readonly env: Env;
}
