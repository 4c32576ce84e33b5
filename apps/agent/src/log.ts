/** One structured log line (main.ts writes it as JSON to stdout). */
export type LogLine = Record<string, unknown> & { readonly event: string };
export type Logger = (line: LogLine) => void;
