/**
 * Starts PerTouch's four apps as separate processes (what `docker compose up` does,
 * without Docker): each `node apps/<name>/dist/main.js` with one shared environment,
 * its output in `<logDir>/<name>.log`. Ready when the gateway answers /readyz and every
 * worker has registered on its queue. Used by `npm run stack`, the demo, the
 * end-to-end tests and the pipeline benchmark.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const APPS = ['gateway', 'agent', 'segmenter', 'gpu-worker'];
/** The queue(s) each worker app consumes, to know when it is up. */
const WORKER_QUEUES = { agent: ['agent', 'webhook'], segmenter: ['segment'], 'gpu-worker': ['render'] };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs the admin CLI (`pertouch-admin`) and returns its parsed --json output. */
export async function admin(env, args) {
  const child = spawn(process.execPath, [path.join(ROOT, 'apps/gateway/dist/admin.js'), ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw Object.assign(new Error(`pertouch-admin ${args.join(' ')}: ${err.trim() || `exit ${code}`}`), { exitCode: code, stderr: err });
  return JSON.parse(out);
}

/**
 * @param {object} options
 * @param {Record<string,string>} options.env  environment for every app (DATABASE_URL, REDIS_URL, …)
 * @param {string} options.logDir
 * @param {number} [options.readyTimeoutMs]
 * @param {Record<string, Record<string,string>>} [options.appEnv]  per-app extra variables
 * @param {string[]} [options.apps]  which apps to run (default all four)
 * @param {Record<string, number>} [options.replicas]  processes per app (default 1), e.g. { 'gpu-worker': 2 }
 */
export async function startStack({ env, logDir, readyTimeoutMs = 60_000, appEnv = {}, apps = APPS, replicas = {} }) {
  mkdirSync(logDir, { recursive: true });
  const children = new Map();
  const baseUrl = `http://127.0.0.1:${env.PORT}`;

  /** `name` is an app, or `app#n` for its n-th replica (logs in `app#n.log`). */
  function start(name) {
    const app = name.split('#')[0];
    const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [path.join(ROOT, `apps/${app}/dist/main.js`)], {
      env: { ...env, ...appEnv[app] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    children.set(name, child);
    return child;
  }

  async function waitReady(names = [...children.keys()]) {
    const deadline = Date.now() + readyTimeoutMs;
    const queues = new Map();
    try {
      for (const name of names) {
        while (true) {
          const child = children.get(name);
          if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) — see ${path.join(logDir, `${name}.log`)}`);
          }
          if (await isUp(name)) break;
          if (Date.now() > deadline) throw new Error(`${name} not ready after ${readyTimeoutMs} ms — see ${path.join(logDir, `${name}.log`)}`);
          await sleep(150);
        }
      }
    } finally {
      await Promise.all([...queues.values()].map((q) => q.close()));
    }

    async function isUp(name) {
      name = name.split('#')[0];
      if (name === 'gateway') {
        try {
          return (await fetch(`${baseUrl}/readyz`)).ok;
        } catch {
          return false;
        }
      }
      for (const queueName of WORKER_QUEUES[name]) {
        if (!queues.has(queueName)) queues.set(queueName, new Queue(queueName, { connection: { url: env.REDIS_URL }, prefix: env.PERTOUCH_QUEUE_PREFIX }));
        if ((await queues.get(queueName).getWorkersCount()) === 0) return false;
      }
      return true;
    }
  }

  for (const app of apps) {
    start(app);
    for (let n = 2; n <= (replicas[app] ?? 1); n++) start(`${app}#${n}`);
  }
  try {
    await waitReady();
  } catch (error) {
    await stop();
    throw error;
  }

  /** SIGTERM to all (graceful), SIGKILL after `graceMs`. */
  async function stop(graceMs = 15_000) {
    await Promise.all(
      [...children.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await child.exited;
        clearTimeout(timer);
      }),
    );
  }

  return {
    baseUrl,
    logDir,
    children,
    stop,
    /** kill -9 one app (the failure test). */
    async kill(name) {
      const child = children.get(name);
      child.kill('SIGKILL');
      await child.exited;
    },
    async restart(name) {
      start(name);
      await waitReady([name]);
    },
  };
}
