/** One JSON object per line on stdout (like every PerTouch service); tests pass a collector. */
export interface LogLine {
  readonly event: string;
  readonly level?: 'info' | 'warn' | 'error';
  readonly [field: string]: unknown;
}

export type Logger = (line: LogLine) => void;

export const stdoutLogger: Logger = (line) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'gateway', level: 'info', ...line })}\n`);
};

export const silentLogger: Logger = () => {};
