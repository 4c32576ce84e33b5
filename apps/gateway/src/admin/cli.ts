/**
 * `pertouch-admin`: operator commands against Postgres (DATABASE_URL).
 *
 *   tenant create <id> [--name N] [--rate-limit N] [--max-running N] [--daily-quota N]
 *   key create <tenantId> [--name N] [--scopes a,b]   prints the key once
 *   key revoke <tenantId> <keyId>
 *   migrate
 *
 * `--json` prints one JSON object instead of text. Any failure is one line on stderr
 * (`pertouch-admin: …`) and exit status 2.
 */
import { EnvConfigError, TenantIdSchema, idSchema, newId } from '@pertouch/contracts';
import { API_KEY_SCOPES, createDatabase, databaseConfigFromEnv, migrate, type ApiKeyScope, type Database } from '@pertouch/db';
import { generateSecret } from '@pertouch/webhooks';
import { generateApiKey } from '../auth/api-keys.js';

export interface AdminIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** A mistake of the caller's: printed as one line, exit 2. */
export class AdminUsageError extends Error {
  override readonly name = 'AdminUsageError';
}

export const USAGE = `usage: pertouch-admin <command> [--json]
  tenant create <id> [--name N] [--rate-limit N] [--max-running N] [--daily-quota N]
  key create <tenantId> [--name N] [--scopes ${API_KEY_SCOPES.join(',')}]
  key revoke <tenantId> <keyId>
  migrate
environment: DATABASE_URL (postgres://…)`;

interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string>;
  readonly json: boolean;
}

const VALUE_OPTIONS = new Set(['name', 'rate-limit', 'max-running', 'daily-quota', 'scopes']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (!VALUE_OPTIONS.has(name)) throw new AdminUsageError(`unknown option --${name}`);
      const value = inline ?? argv[++i];
      if (value === undefined) throw new AdminUsageError(`--${name} needs a value`);
      options.set(name, value);
    } else positional.push(arg);
  }
  return { positional, options, json };
}

function intOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = args.options.get(name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new AdminUsageError(`--${name} must be an integer from ${min} to ${max}`);
  return Number(text);
}

function scopesOption(args: ParsedArgs): ApiKeyScope[] {
  const text = args.options.get('scopes');
  if (text === undefined) return [...API_KEY_SCOPES];
  const scopes = [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0) throw new AdminUsageError(`--scopes takes a comma-separated list of ${API_KEY_SCOPES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  return scopes as ApiKeyScope[];
}

function expectArgs(args: ParsedArgs, count: number, usage: string): string[] {
  const rest = args.positional.slice(args.positional[0] === 'migrate' ? 1 : 2);
  if (rest.length !== count) throw new AdminUsageError(`usage: pertouch-admin ${usage}`);
  return rest;
}

function tenantId(text: string): string {
  if (!TenantIdSchema.safeParse(text).success) throw new AdminUsageError(`tenant id ${JSON.stringify(text)} must be 1–63 of [a-z0-9-], starting and ending with a letter or digit`);
  return text;
}

function databaseUrl(env: AdminIo['env']): string {
  try {
    return databaseConfigFromEnv(env).url;
  } catch (error) {
    if (error instanceof EnvConfigError) throw new AdminUsageError(error.problems.join('; '));
    throw error;
  }
}

async function withDatabase<T>(env: AdminIo['env'], work: (db: Database) => Promise<T>): Promise<T> {
  const db = createDatabase({ url: databaseUrl(env), poolSize: 1, onIdleError: () => {} });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

type Output = { text: string; json: Record<string, unknown> };

async function tenantCreate(args: ParsedArgs, io: AdminIo): Promise<Output> {
  const [idText] = expectArgs(args, 1, 'tenant create <id> [--name N] [--rate-limit N] [--max-running N] [--daily-quota N]');
  const id = tenantId(idText);
  const rateLimitPerMinute = intOption(args, 'rate-limit', 1, 1_000_000);
  const maxRunningJobs = intOption(args, 'max-running', 1, 10_000);
  const dailyJobQuota = intOption(args, 'daily-quota', 1, 100_000_000);
  return withDatabase(io.env, async (db) => {
    if (await db.tenants.get(id)) throw new AdminUsageError(`tenant ${id} already exists`);
    const tenant = await db.tenants.create({ id, name: args.options.get('name') ?? id, rateLimitPerMinute, maxRunningJobs, dailyJobQuota, webhookSecret: generateSecret() });
    const json = {
      id: tenant.id,
      name: tenant.name,
      rateLimitPerMinute: tenant.rateLimitPerMinute,
      maxRunningJobs: tenant.maxRunningJobs,
      dailyJobQuota: tenant.dailyJobQuota,
      // Signs webhooks sent to a job's or batch's own webhookUrl (endpoints have their own secrets).
      webhookSecret: tenant.webhookSecret,
      createdAt: tenant.createdAt.toISOString(),
    };
    const quota = tenant.dailyJobQuota === null ? 'no daily quota' : `${tenant.dailyJobQuota} jobs a day`;
    return { json, text: `created tenant ${tenant.id} (${tenant.name}): ${tenant.rateLimitPerMinute} requests/min, ${tenant.maxRunningJobs} running jobs, ${quota}\nwebhook secret for per-job webhookUrls (keep it): ${tenant.webhookSecret}` };
  });
}

async function keyCreate(args: ParsedArgs, io: AdminIo): Promise<Output> {
  const [tenantText] = expectArgs(args, 1, 'key create <tenantId> [--name N] [--scopes a,b]');
  const tenant = tenantId(tenantText);
  const scopes = scopesOption(args);
  return withDatabase(io.env, async (db) => {
    if (!(await db.tenants.get(tenant))) throw new AdminUsageError(`no tenant ${tenant}`);
    const secret = generateApiKey();
    const record = await db.apiKeys.create({ id: newId('apiKey'), tenantId: tenant, name: args.options.get('name') ?? 'default', prefix: secret.prefix, keyHash: secret.hash, scopes });
    const json = { id: record.id, tenantId: record.tenantId, name: record.name, prefix: record.prefix, scopes: record.scopes, key: secret.key, createdAt: record.createdAt.toISOString() };
    const text = [`created key ${record.id} for tenant ${tenant} (scopes: ${record.scopes.join(', ')})`, secret.key, 'Store this key now: it is not shown again.'].join('\n');
    return { json, text };
  });
}

async function keyRevoke(args: ParsedArgs, io: AdminIo): Promise<Output> {
  const [tenantText, keyId] = expectArgs(args, 2, 'key revoke <tenantId> <keyId>');
  const tenant = tenantId(tenantText);
  if (!idSchema('apiKey').safeParse(keyId).success) throw new AdminUsageError(`no key ${keyId} for tenant ${tenant}`);
  return withDatabase(io.env, async (db) => {
    if (!(await db.apiKeys.revoke(tenant, keyId))) throw new AdminUsageError(`no active key ${keyId} for tenant ${tenant}`);
    return { json: { id: keyId, tenantId: tenant, revoked: true }, text: `revoked key ${keyId} of tenant ${tenant}` };
  });
}

async function migrateCommand(args: ParsedArgs, io: AdminIo): Promise<Output> {
  expectArgs(args, 0, 'migrate');
  const applied = await migrate(databaseUrl(io.env));
  return {
    json: { applied: applied.map((m) => `${m.direction} ${m.name}`) },
    text: applied.length === 0 ? 'database is up to date' : applied.map((m) => `applied ${m.direction} ${m.name}`).join('\n'),
  };
}

/** Runs one command; resolves to the exit status (0, or 2 after printing the one-line error). */
export async function runAdmin(argv: readonly string[], io: AdminIo): Promise<number> {
  try {
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
      io.out(USAGE);
      return argv.length === 0 ? 2 : 0;
    }
    const args = parseArgs(argv);
    const command = args.positional.slice(0, args.positional[0] === 'migrate' ? 1 : 2).join(' ');
    const run = { 'tenant create': tenantCreate, 'key create': keyCreate, 'key revoke': keyRevoke, migrate: migrateCommand }[command];
    if (!run) throw new AdminUsageError(`unknown command ${JSON.stringify(args.positional.join(' '))} (try --help)`);
    const output = await run(args, io);
    io.out(args.json ? JSON.stringify(output.json) : output.text);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(`pertouch-admin: ${message.replace(/\s*\n\s*/g, '; ')}`);
    return 2;
  }
}
