/**
 * The local stack's outside systems without Docker: Redis and PostgreSQL on this machine.
 * Each is checked first and started only when it is down and installed here (Debian's
 * redis-server / pg_ctlcluster); databases are created on first use and migrated.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import pg from 'pg';

/** True when something accepts TCP connections on host:port within `timeoutMs`. */
export function canConnect(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(host, port, what, seconds = 15) {
  for (let i = 0; i < seconds * 10; i++) {
    if (await canConnect(host, port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up on ${host}:${port}`);
}

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** Redis on the URL's host:port; started with redis-server (no persistence) when down and local. */
export async function ensureRedis(redisUrl, log = console.error) {
  const { hostname, port } = new URL(redisUrl);
  const p = Number(port || 6379);
  if (await canConnect(hostname, p)) return;
  if (!['127.0.0.1', 'localhost', '::1'].includes(hostname) || !has('redis-server')) {
    throw new Error(`Redis is not reachable at ${redisUrl} (install redis-server or set REDIS_URL)`);
  }
  log(`stack: starting redis-server on ${hostname}:${p}`);
  mkdirSync('/tmp/pertouch-redis', { recursive: true });
  execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(p), '--save', '', '--appendonly', 'no', '--dir', '/tmp/pertouch-redis']);
  await waitFor(hostname, p, 'redis-server');
}

/** PostgreSQL on the URL's host:port; started with pg_ctlcluster when down and local. */
export async function ensurePostgres(databaseUrl, log = console.error) {
  const { hostname, port } = new URL(databaseUrl);
  const p = Number(port || 5432);
  if (await canConnect(hostname, p)) return;
  if (!['127.0.0.1', 'localhost', '::1'].includes(hostname) || !has('pg_lsclusters')) {
    throw new Error(`PostgreSQL is not reachable at ${hostname}:${p} (start it or set DATABASE_URL)`);
  }
  const clusters = execFileSync('pg_lsclusters', ['--no-header']).toString().trim().split('\n').filter(Boolean);
  const cluster = clusters.map((line) => line.split(/\s+/)).find((c) => Number(c[2]) === p);
  if (!cluster) throw new Error(`no PostgreSQL cluster on port ${p} here (pg_lsclusters)`);
  log(`stack: starting PostgreSQL ${cluster[0]}/${cluster[1]}`);
  execFileSync('pg_ctlcluster', [cluster[0], cluster[1], 'start'], { stdio: 'inherit' });
  await waitFor(hostname, p, 'PostgreSQL');
}

/** Creates the URL's database when it does not exist (connecting to `postgres` on the same server). */
export async function ensureDatabase(databaseUrl) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name ${JSON.stringify(name)}: use [a-z0-9_]`);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

/** Drops a database (terminating its connections); for tests' own databases. */
export async function dropDatabase(databaseUrl) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
  } finally {
    await client.end();
  }
}

/**
 * The pgvector extension (the scene memory's migration creates it). Debian 12 does not
 * package it for PostgreSQL 15: on a local server, as root, scripts/pgvector.sh builds it
 * from Debian trixie's source package (once; a no-op afterwards). Elsewhere: a clear error.
 */
export async function ensurePgvector(databaseUrl, log = console.error) {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  let available;
  try {
    available = (await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).rowCount > 0;
  } finally {
    await client.end();
  }
  if (available) return;
  const local = ['127.0.0.1', 'localhost', '::1'].includes(url.hostname);
  if (!local || process.getuid?.() !== 0) {
    throw new Error(`PostgreSQL at ${url.hostname} lacks the pgvector extension: install it (Debian 12 + PG 15: sudo bash scripts/pgvector.sh)`);
  }
  log('stack: building the pgvector extension (scripts/pgvector.sh, once)…');
  execFileSync('bash', [new URL('../pgvector.sh', import.meta.url).pathname], { stdio: 'inherit' });
}
