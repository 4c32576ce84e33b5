/**
 * The gpu-worker's optional health endpoint (GPU_WORKER_HEALTH_PORT; off by default): the
 * worker takes its jobs from Redis and has no HTTP server of its own, so this is the one
 * place an operator or a probe can ask which engines are loaded and on which provider.
 *
 *   GET /healthz → 200 {"status":"ok"} while the process runs
 *   GET /readyz  → 200 when every engine is ready, 503 while one is loading or failed to
 *                  load; the body lists them all:
 *                  {"status":"ready","engines":[{"name":"embedded","state":"ready",…},
 *                   {"name":"diffusion","state":"ready","provider":"cuda","precision":"fp16",…}]}
 *
 * The server is unref'd (it never keeps the process alive) and closes with the engines.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EngineStatus } from './diffusion-engine.js';
import type { RenderEngine } from './engine.js';
import type { Logger } from './worker.js';

/** An engine's status: its own `status()` when it has one (the diffusion engine), else ready. */
export function engineStatus(engine: RenderEngine): EngineStatus {
  const own = (engine as RenderEngine & { status?: () => EngineStatus }).status;
  return typeof own === 'function' ? own.call(engine) : { name: engine.name, version: engine.version, state: 'ready' };
}

export interface HealthServer {
  readonly server: Server;
  /** The bound port (useful with port 0). */
  port(): number;
  close(): Promise<void>;
}

export function startHealthServer(options: { readonly port: number; readonly host?: string; readonly engines: readonly RenderEngine[]; readonly log?: Logger }): HealthServer {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, { status: 'method_not_allowed' });
    if (path === '/healthz') return reply(200, { status: 'ok' });
    if (path === '/readyz') {
      const engines = options.engines.map(engineStatus);
      const ready = engines.every((e) => e.state === 'ready');
      return reply(ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', engines });
    }
    return reply(404, { status: 'not_found' });
  });
  server.on('error', (error) => options.log?.({ event: 'health.error', error: error.message }));
  server.listen(options.port, options.host ?? '0.0.0.0', () => options.log?.({ event: 'health.listening', port: (server.address() as AddressInfo).port }));
  server.unref();
  return {
    server,
    port: () => (server.address() as AddressInfo | null)?.port ?? options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
