/**
 * Execution providers. onnxruntime-node 1.30 on Linux x64 can run the CUDA provider when
 * its provider libraries are installed next to the binding (its install script does it on
 * a machine with CUDA 12, or when forced with ONNXRUNTIME_NODE_INSTALL=cuda12; this
 * repository's setup passes ONNXRUNTIME_NODE_INSTALL=skip, CPU only); cuDNN 9 must be on
 * the machine. Otherwise the CPU.
 *
 * 'auto' asks for CUDA when its library is there and falls back to CPU when a CUDA
 * session cannot be created (the reason is kept for /readyz and the logs); 'cuda' fails
 * with 'provider_unavailable' instead of falling back.
 *
 * What stays on the device: within a session, everything. Between sessions (ControlNet →
 * UNet residuals, UNet → scheduler), onnxruntime-node 1.30 hands CUDA outputs back in host
 * memory: its IO binding and `preferredOutputLocation: 'gpu-buffer'` exist for the WebGPU
 * provider only. So every step copies the latent (64 KB) and the 13 residuals (≈ 27 MB
 * fp32, 13 MB fp16) across PCIe — a few ms against a UNet step of tens of ms.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { listSupportedBackends, type InferenceSession } from 'onnxruntime-node';

export const PROVIDER_CHOICES = ['auto', 'cuda', 'cpu'] as const;
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number];
export type Provider = 'cuda' | 'cpu';

/** The CUDA provider's shared libraries, installed by onnxruntime-node's install script next to the binding. */
export const CUDA_PROVIDER_LIBRARY = 'libonnxruntime_providers_cuda.so';
export const SHARED_PROVIDER_LIBRARY = 'libonnxruntime_providers_shared.so';

/** The directory of onnxruntime-node's native binding (bin/napi-v6/<platform>/<arch>). */
export function bindingDirectory(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** Whether this onnxruntime-node build supports CUDA and its provider library is installed. */
export function cudaProviderInstalled(): boolean {
  const supported = listSupportedBackends().some((b) => b.name === 'cuda');
  const dir = bindingDirectory();
  return supported && existsSync(join(dir, CUDA_PROVIDER_LIBRARY)) && existsSync(join(dir, SHARED_PROVIDER_LIBRARY));
}

/** The providers to try, in order, for a choice. */
export function providerCandidates(choice: ProviderChoice): Provider[] {
  if (choice === 'cpu') return ['cpu'];
  if (choice === 'cuda') return ['cuda'];
  return cudaProviderInstalled() ? ['cuda', 'cpu'] : ['cpu'];
}

export interface SessionSettings {
  /** CPU threads per session (intra-op); onnxruntime's default (all cores) when unset. */
  readonly threads?: number;
  /** CUDA device (default 0). */
  readonly deviceId?: number;
}

/** Session options for a provider: full graph optimisation; on CUDA the CPU provider stays as onnxruntime's fallback for unsupported nodes. */
export function sessionOptionsFor(provider: Provider, settings: SessionSettings = {}): InferenceSession.SessionOptions {
  return {
    executionProviders: provider === 'cuda' ? [{ name: 'cuda', deviceId: settings.deviceId ?? 0 }, 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    ...(settings.threads !== undefined ? { intraOpNumThreads: settings.threads, interOpNumThreads: 1 } : {}),
    // Warnings (e.g. nodes placed on CPU) go to stderr once per session; errors always.
    logSeverityLevel: 3,
  };
}
