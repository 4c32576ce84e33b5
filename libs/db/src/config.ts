/** Database settings from the environment, validated with contracts' envVar/parseEnv. */
import { EnvConfigError, envVar, parseEnv, type EnvValues } from '@pertouch/contracts';

export interface DatabaseConfig {
  /** `postgres://user:password@host:port/database` */
  readonly url: string;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** Server-side limit per statement in ms; 0 = none (default 30 000). */
  readonly statementTimeoutMs?: number;
}

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

const DATABASE_ENV = {
  DATABASE_URL: envVar.required(),
  DATABASE_POOL_SIZE: envVar.int(DEFAULT_POOL_SIZE, 1, 1000),
  DATABASE_STATEMENT_TIMEOUT_MS: envVar.int(DEFAULT_STATEMENT_TIMEOUT_MS, 0, 86_400_000),
};

function isPostgresUrl(value: string): boolean {
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * DATABASE_URL (required), DATABASE_POOL_SIZE, DATABASE_STATEMENT_TIMEOUT_MS. Throws one
 * EnvConfigError listing every problem. A bad DATABASE_URL is reported without its value:
 * it usually carries a password, which parseEnv would otherwise quote.
 */
export function databaseConfigFromEnv(env: Readonly<Record<string, string | undefined>>): Required<DatabaseConfig> {
  const problems: string[] = [];
  const url = env.DATABASE_URL?.trim();
  const urlIsBad = url !== undefined && url !== '' && !isPostgresUrl(url);
  if (urlIsBad) problems.push('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  let values: EnvValues<typeof DATABASE_ENV> | undefined;
  try {
    values = parseEnv(DATABASE_ENV, env);
  } catch (error) {
    if (!(error instanceof EnvConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || values === undefined) throw new EnvConfigError(problems);
  return { url: values.DATABASE_URL, poolSize: values.DATABASE_POOL_SIZE, statementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS };
}
