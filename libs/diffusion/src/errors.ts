/** Stable machine-readable codes of the diffusion pipeline's failures. */
export type DiffusionErrorCode =
  /** No model set configured, or a file of it is missing or unreadable. */
  | 'model_unavailable'
  /** A file is there but onnxruntime cannot load it, or a name, shape or dtype differs from the model set's (spec.ts). */
  | 'model_invalid'
  /** The requested execution provider cannot run here (e.g. CUDA asked for, its libraries absent). */
  | 'provider_unavailable'
  /** The device ran out of memory; the pipeline's sessions were released, a retry may succeed. */
  | 'out_of_memory'
  /** An input of the wrong size or range (an image, a map, a step count, a seed). */
  | 'invalid_input';

export class DiffusionError extends Error {
  override readonly name = 'DiffusionError';
  constructor(
    readonly code: DiffusionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Whether an onnxruntime error is the device running out of memory: the CUDA provider's
 * BFC arena ("Failed to allocate memory", "BFCArena"), cudaMalloc / CUBLAS / cuDNN
 * allocation failures ("out of memory", CUDA_ERROR_OUT_OF_MEMORY, cudaErrorMemoryAllocation),
 * and the CPU allocator's bad_alloc.
 */
export function isOutOfMemoryError(error: unknown): boolean {
  if (error instanceof DiffusionError) return error.code === 'out_of_memory';
  const message = error instanceof Error ? error.message : String(error);
  return /out of memory|failed to allocate memory|bfcarena|cudaErrorMemoryAllocation|CUDA_ERROR_OUT_OF_MEMORY|CUBLAS_STATUS_ALLOC_FAILED|CUDNN_STATUS_ALLOC_FAILED|std::bad_alloc/i.test(message);
}
