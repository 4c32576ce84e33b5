// Worker-thread entry: runs strip tasks posted by RenderPool.
import { parentPort } from 'node:worker_threads';
import type { Task, TaskResult } from './protocol.js';
import { runTask } from './run-task.js';

if (!parentPort) throw new Error('render-pool worker must run on a worker thread');
const port = parentPort;
port.on('message', (message: { id: number; task: Task }) => {
  try {
    const result: TaskResult = runTask(message.task);
    const transfer = [result.sums?.buffer, result.squares?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    port.postMessage({ id: message.id, result }, transfer);
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
