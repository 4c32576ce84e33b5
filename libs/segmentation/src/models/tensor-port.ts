/**
 * The small port every optional model sits behind: float tensors in, float tensors out.
 * Real ports wrap onnxruntime-node or TensorFlow.js; tests use fakes, so the pre- and
 * post-processing around a model is testable without its weights.
 */

/** A dense float tensor, row-major, with its shape (e.g. [1, 3, 1024, 1024]). */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface TensorPort {
  /** Runs the model on one input; the outputs in the model's declared order. */
  run(input: Tensor): Promise<Tensor[]>;
  /** Frees native or backend memory; the port is unusable afterwards. */
  dispose?(): Promise<void> | void;
}

/** Number of elements a shape holds. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
