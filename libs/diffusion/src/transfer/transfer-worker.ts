// Worker-thread entry of TransferPool: applies a colour grid to a strip of rows of an image
// held in shared memory, writing into a shared output.
import { parentPort } from 'node:worker_threads';
import { applyColourGrid } from './apply-grid.js';
import type { StripTask } from './transfer-pool.js';

if (!parentPort) throw new Error('the transfer worker must run on a worker thread');
const port = parentPort;
port.on('message', (task: StripTask) => {
  try {
    const size = task.width * task.height * 3;
    const view = (buffer: SharedArrayBuffer) => (task.bits === 16 ? new Uint16Array(buffer, 0, size) : new Uint8Array(buffer, 0, size));
    const image = { width: task.width, height: task.height, data: view(task.input) };
    const out = { width: task.width, height: task.height, data: view(task.output) };
    applyColourGrid(task.grid, image, out, task.y0, task.y1);
    port.postMessage({ id: task.id });
  } catch (error) {
    port.postMessage({ id: task.id, error: error instanceof Error ? error.message : String(error) });
  }
});
