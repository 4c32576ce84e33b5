/**
 * Start-up configuration from environment variables, validated once, for every PerTouch
 * service: each variable is a small zod schema over `string | undefined` (blank = unset),
 * and `parseEnv` reports every bad variable at once, never echoing a secret.
 */
import { z } from 'zod';
import { DEFAULT_QUEUE_PREFIX, QUEUE_PREFIX_PATTERN } from './queues.js';

export class EnvConfigError extends Error {
  override readonly name = 'EnvConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

function validUrl(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
  } catch {
    return false;
  }
}

/** Builders for one variable each. */
export const envVar = {
  /** Optional string; `pattern` checks it when set. */
  string(options: { pattern?: RegExp; hint?: string } = {}) {
    const base = z.string().trim();
    return z.preprocess(blank, (options.pattern ? base.regex(options.pattern, options.hint ?? `must match ${options.pattern}`) : base).optional());
  },
  /** String with a default. */
  stringOr(fallback: string, options: { pattern?: RegExp; hint?: string } = {}) {
    return envVar.string(options).transform((v) => v ?? fallback);
  },
  /** Required string. */
  required(options: { pattern?: RegExp; hint?: string } = {}) {
    const base = z.string('is required').trim();
    return z.preprocess(blank, options.pattern ? base.regex(options.pattern, options.hint ?? `must match ${options.pattern}`) : base);
  },
  /** Decimal integer in [min, max], default `fallback`. */
  int(fallback: number, min: number, max: number) {
    return z.preprocess(
      blank,
      z
        .string()
        .trim()
        .regex(/^\d+$/, `must be an integer from ${min} to ${max}`)
        .transform(Number)
        .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
        .optional()
        .transform((v) => v ?? fallback),
    );
  },
  /** true/false/1/0/yes/no (any case), default `fallback`. */
  bool(fallback: boolean) {
    return z.preprocess(
      blank,
      z
        .string()
        .trim()
        .toLowerCase()
        .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
        .transform((v) => v === 'true' || v === '1' || v === 'yes')
        .optional()
        .transform((v) => v ?? fallback),
    );
  },
  /** Optional URL with one of the given protocols (without ':'). */
  url(protocols: readonly string[]) {
    return z.preprocess(blank, z.string().trim().refine((v) => validUrl(v, protocols), `must be a ${protocols.join(' or ')} URL`).optional());
  },
  urlOr(fallback: string, protocols: readonly string[]) {
    return envVar.url(protocols).transform((v) => v ?? fallback);
  },
  /** The BullMQ key prefix every service shares (PERTOUCH_QUEUE_PREFIX; see queues.ts). */
  queuePrefix() {
    return envVar.stringOr(DEFAULT_QUEUE_PREFIX, { pattern: QUEUE_PREFIX_PATTERN, hint: 'must be 1–64 of [A-Za-z0-9_-], optionally in braces for Redis Cluster ({pertouch})' });
  },
  /** One of `values`, default `fallback`. */
  oneOf<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
    return z.preprocess(blank, z.enum(values, `must be one of ${values.join(', ')}`).optional()).transform((v) => (v ?? fallback) as T[number]);
  },
};

export type EnvShape = Record<string, z.ZodType<unknown, unknown>>;
export type EnvValues<S extends EnvShape> = { [K in keyof S]: z.output<S[K]> };

/**
 * Parses `source` (usually process.env) against `shape`. `check` adds cross-variable
 * problems as `[variable, message]` pairs. Throws one EnvConfigError listing every
 * problem as `NAME: message (got "value")`; values of names containing SECRET,
 * PASSWORD or TOKEN are never shown.
 */
export function parseEnv<S extends EnvShape>(
  shape: S,
  source: Readonly<Record<string, string | undefined>>,
  check?: (values: EnvValues<S>) => readonly (readonly [string, string])[],
): EnvValues<S> {
  const input = Object.fromEntries(Object.keys(shape).map((name) => [name, source[name]]));
  const parsed = z.object(shape).safeParse(input);
  const shown = (name: string) => {
    const value = source[name];
    return value === undefined || /SECRET|PASSWORD|TOKEN/i.test(name) ? '' : ` (got ${JSON.stringify(value.slice(0, 100))})`;
  };
  if (!parsed.success) {
    throw new EnvConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        return `${name}: ${issue.message}${shown(name)}`;
      }),
    );
  }
  const values = parsed.data as EnvValues<S>;
  const problems = check?.(values) ?? [];
  if (problems.length > 0) throw new EnvConfigError(problems.map(([name, message]) => `${name}: ${message}${shown(name)}`));
  return values;
}
