#!/usr/bin/env node
/**
 * The local stack without Docker (README: "Running the service").
 *
 *   node scripts/stack.mjs up     start Redis/PostgreSQL if down, migrate, run the four apps until Ctrl-C
 *   node scripts/stack.mjs demo   the same, then the demo through the HTTP API (scripts/stack/demo.mjs), then stop
 *
 * npm scripts: `npm run stack` (= up) and `npm run demo` (both set up and build first).
 */
import path from 'node:path';
import { ensureDatabase, ensurePgvector, ensurePostgres, ensureRedis } from './stack/infra.mjs';
import { ROOT, startStack } from './stack/launcher.mjs';
import { stackEnv } from './stack/config.mjs';

const command = process.argv[2] ?? 'up';
if (!['up', 'demo'].includes(command)) {
  console.error(`stack: unknown command ${JSON.stringify(command)} (use up or demo)`);
  process.exit(2);
}

const env = stackEnv();
const logDir = path.join(ROOT, 'out/stack/logs');

async function main() {
  await ensureRedis(env.REDIS_URL);
  await ensurePostgres(env.DATABASE_URL);
  await ensurePgvector(env.DATABASE_URL);
  await ensureDatabase(env.DATABASE_URL);
  const { migrate } = await import('../libs/db/dist/index.js');
  await migrate(env.DATABASE_URL, { log: () => {} });
  console.error(`stack: starting gateway, agent, segmenter, gpu-worker (logs: ${path.relative(process.cwd(), logDir)}/)`);
  const stack = await startStack({ env, logDir });
  console.error(`stack: up — API ${stack.baseUrl}/v1, docs ${stack.baseUrl}/docs, metrics ${stack.baseUrl}/metrics`);
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    console.error('stack: stopping…');
    await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  for (const [name, child] of stack.children) {
    child.exited.then(({ code, signal }) => {
      if (!stopping) {
        console.error(`stack: ${name} exited (${code ?? signal}); see ${path.join(logDir, `${name}.log`)}`);
        stop(1);
      }
    });
  }
  if (command === 'demo') {
    const { runDemo } = await import('./stack/demo.mjs');
    try {
      await runDemo({ env, baseUrl: stack.baseUrl });
    } catch (error) {
      console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
      await stop(1);
    }
    console.error('stack: to keep the stack running and use the API yourself: npm run stack');
    await stop(0);
  } else {
    console.error('stack: create a tenant and a key: node apps/gateway/dist/admin.js tenant create acme && node apps/gateway/dist/admin.js key create acme');
    console.error('stack: Ctrl-C stops it');
  }
}

main().catch((error) => {
  console.error(`stack: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
