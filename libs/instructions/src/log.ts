/** One structured log line, the shape every PerTouch service logs (JSON per line). */
export interface LogLine {
  readonly event: string;
  readonly level?: 'info' | 'warn' | 'error';
  readonly [field: string]: unknown;
}

export type Logger = (line: LogLine) => void;

export const silentLogger: Logger = () => {};
