/**
 * onnxruntime-node (CPU) behind a TensorPort: one named input, named outputs.
 */
import type { Tensor, TensorPort } from './tensor-port.js';

export async function loadOnnxModel(file: string, inputName: string, outputNames: readonly string[]): Promise<TensorPort> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all' });
  for (const n of outputNames) {
    if (!session.outputNames.includes(n)) throw new Error(`${file} has no output "${n}" (has ${session.outputNames.join(', ')})`);
  }
  if (!session.inputNames.includes(inputName)) {
    throw new Error(`${file} has no input "${inputName}" (has ${session.inputNames.join(', ')})`);
  }
  return {
    async run(input: Tensor): Promise<Tensor[]> {
      const feeds = { [inputName]: new ort.Tensor('float32', input.data, [...input.shape]) };
      const result = await session.run(feeds);
      return outputNames.map((n) => {
        const t = result[n];
        const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
        return { shape: [...t.dims], data };
      });
    },
    async dispose() {
      await session.release();
    },
  };
}
