/**
 * TensorFlow.js in Node without tfjs-node: the WebAssembly backend, its .wasm files
 * located in node_modules, and graph models loaded from local files (model.json plus
 * weight shards read with fs). Imported lazily by loadDetectors, so nothing here is
 * paid for when no TFJS model is present.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Tensor, TensorPort } from './tensor-port.js';

type Tf = typeof import('@tensorflow/tfjs');
let ready: Promise<Tf> | undefined;

/** Initialises TFJS once with the wasm backend (SIMD where the runtime has it). */
export function tfjs(): Promise<Tf> {
  ready ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    wasm.setWasmPaths(dist);
    if (!(await tf.setBackend('wasm'))) throw new Error('the TFJS wasm backend did not initialise');
    await tf.ready();
    tf.enableProdMode();
    return tf;
  })();
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}

interface ModelJson {
  modelTopology?: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  weightsManifest?: { paths: string[]; weights: unknown[] }[];
}

/** Reads a TFJS graph model's json and weight shards into the artifacts `tf.io.fromMemory` takes. */
export async function readGraphArtifacts(jsonPath: string): Promise<{ json: ModelJson; weightData: ArrayBuffer }> {
  const json = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJson;
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${path.basename(jsonPath)} is not a TFJS graph model (no modelTopology / weightsManifest)`);
  }
  const shards = await Promise.all(
    json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(path.join(path.dirname(jsonPath), p))),
  );
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { json, weightData };
}

/**
 * Loads a TFJS graph model from local files and wraps it as a TensorPort. `outputs`
 * picks named outputs (in that order); by default the model's declared outputs.
 */
export async function loadTfjsGraph(jsonPath: string, outputs?: readonly string[]): Promise<TensorPort> {
  const tf = await tfjs();
  const { json, weightData } = await readGraphArtifacts(jsonPath);
  const weightSpecs = json.weightsManifest!.flatMap((g) => g.weights) as Parameters<Tf['io']['fromMemory']>[1];
  const handler = tf.io.fromMemory({
    modelTopology: json.modelTopology as object,
    weightSpecs,
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature as object,
    userDefinedMetadata: json.userDefinedMetadata as object,
  });
  const model = await tf.loadGraphModel(handler);
  return {
    async run(input: Tensor): Promise<Tensor[]> {
      const x = tf.tensor(input.data, [...input.shape], 'float32');
      try {
        const res = outputs ? model.execute(x, [...outputs]) : model.execute(x);
        const list = Array.isArray(res) ? res : [res];
        try {
          return await Promise.all(
            list.map(async (t) => ({ shape: t.shape as number[], data: Float32Array.from(await t.data()) })),
          );
        } finally {
          tf.dispose(list);
        }
      } finally {
        x.dispose();
      }
    },
    dispose() {
      model.dispose();
    },
  };
}
