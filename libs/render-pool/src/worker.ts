// Worker-thread entry: runs the tasks (bands of rows, planning solves and LUTs) posted by RenderPool.
import { parentPort } from 'node:worker_threads';
import type { Task, TaskResult } from './protocol.js';
import { runTask } from './run-task.js';

if (!parentPort) throw new Error('render-pool worker must run on a worker thread');
const port = parentPort;
port.on('message', (message: { id: number; task: Task }) => {
  try {
    const result: TaskResult = runTask(message.task);
    port.postMessage({ id: message.id, result }, transferablesOf(result));
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});

/** The result's own (not shared) buffers, each once: moved to the caller instead of copied. */
function transferablesOf(result: TaskResult): ArrayBuffer[] {
  const arrays: Array<ArrayBufferView | null> = [result.sums, result.squares];
  for (const s of result.solves ?? []) arrays.push(s.proxy.v0, s.proxy.v1, s.proxy.v2, s.proxy.w, s.proxy.pairs, s.proxy.nodes);
  arrays.push(...(result.luts ?? []));
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  return [...buffers];
}
