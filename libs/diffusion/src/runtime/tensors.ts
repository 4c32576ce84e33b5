/**
 * Tensors in the model set's types: float32 values become float32 or float16 tensors
 * (float16 as its bits in a Uint16Array, as onnxruntime-node takes them); timesteps
 * become float32, float16 or int64 tensors of the model's rank; outputs come back as
 * float32 values.
 */
import { Tensor } from 'onnxruntime-node';
import type { TensorDtype } from '../model-set/spec.js';
import { float16ToFloat32, float32ToFloat16, toFloat16Bits } from '../tensor/float16.js';

export function floatTensor(values: Float32Array, dims: readonly number[], dtype: 'float32' | 'float16'): Tensor {
  return dtype === 'float32' ? new Tensor('float32', values, dims) : new Tensor('float16', float32ToFloat16(values), dims);
}

/** A tensor already holding data in the model's type (e.g. the embedding read at load). */
export function rawTensor(data: Float32Array | Uint16Array, dims: readonly number[]): Tensor {
  return data instanceof Float32Array ? new Tensor('float32', data, dims) : new Tensor('float16', data, dims);
}

export function timestepTensor(t: number, dtype: TensorDtype, dims: readonly number[]): Tensor {
  if (dtype === 'int64') return new Tensor('int64', BigInt64Array.from([BigInt(t)]), dims);
  if (dtype === 'float16') return new Tensor('float16', Uint16Array.from([toFloat16Bits(t)]), dims);
  return new Tensor('float32', Float32Array.from([t]), dims);
}

/** A float32 or float16 output's values as float32 (float32 data is returned as is, not copied). */
export function floatValues(tensor: Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') return float16ToFloat32(tensor.data as Uint16Array);
  throw new TypeError(`expected a float tensor, got ${tensor.type}`);
}
