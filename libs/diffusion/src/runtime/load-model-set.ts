/**
 * Opens a model-set directory: the manifest, the empty-prompt embedding and the four
 * sessions of one precision variant on one provider, checked against the model set
 * (layout.ts) before anything runs. Sessions are created once and reused for every job;
 * `release()` frees them (and their device memory).
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { DiffusionError } from '../errors.js';
import { checkModelSetLayout, type ModelMeta, type ModelSetLayout, type ValueMeta } from '../model-set/layout.js';
import { parseManifest, type ModelSetManifest } from '../model-set/manifest.js';
import { parseNpy, type NpyArray } from '../model-set/npy.js';
import { float16ToFloat32, float32ToFloat16 } from '../tensor/float16.js';
import { MANIFEST_FILE, MODEL_FILES, MODEL_LABEL, MODEL_ROLES, type ModelRole, type Precision } from '../model-set/spec.js';
import { CUDA_PROVIDER_LIBRARY, bindingDirectory, cudaProviderInstalled, providerCandidates, sessionOptionsFor, type Provider, type ProviderChoice, type SessionSettings } from './providers.js';

export const PRECISION_CHOICES = ['auto', 'fp32', 'fp16'] as const;
export type PrecisionChoice = (typeof PRECISION_CHOICES)[number];

export interface LoadModelSetOptions extends SessionSettings {
  /** The model-set directory (model-set.json, <precision>/*.onnx, the embedding). */
  readonly dir: string;
  /** 'auto' (default): fp16 on CUDA, fp32 on CPU, whichever the set has if only one. */
  readonly precision?: PrecisionChoice;
  /** 'auto' (default): CUDA when installed and working, else CPU. */
  readonly provider?: ProviderChoice;
}

export interface LoadedModelSet {
  readonly dir: string;
  readonly manifest: ModelSetManifest;
  readonly precision: Precision;
  readonly provider: Provider;
  /** Why CUDA was not used under 'auto' (its library missing, or its session failed). */
  readonly fallbackReason: string | undefined;
  readonly layout: ModelSetLayout;
  readonly sessions: Readonly<Record<ModelRole, InferenceSession>>;
  /** [1, 77, hidden], float32 or float16 bits. */
  readonly embedding: NpyArray;
  release(): Promise<void>;
}

export async function loadModelSet(options: LoadModelSetOptions): Promise<LoadedModelSet> {
  const manifest = await readManifest(options.dir);
  const embedding = await readEmbedding(options.dir, manifest.emptyPromptEmbedding);
  if (options.provider === 'cuda' && !cudaProviderInstalled()) {
    throw new DiffusionError('provider_unavailable', `the CUDA execution provider is not installed: no ${CUDA_PROVIDER_LIBRARY} in ${bindingDirectory()} (install onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12, on a machine with CUDA 12 and cuDNN 9)`);
  }
  const candidates = providerCandidates(options.provider ?? 'auto');
  let fallbackReason = options.provider === 'auto' || options.provider === undefined ? (candidates[0] === 'cpu' ? 'the CUDA provider library is not installed' : undefined) : undefined;
  for (const [index, provider] of candidates.entries()) {
    const precision = choosePrecision(manifest, options.precision ?? 'auto', provider);
    const paths = Object.fromEntries(MODEL_ROLES.map((role) => [role, join(options.dir, precision, MODEL_FILES[role])])) as Record<ModelRole, string>;
    for (const role of MODEL_ROLES) await assertReadable(paths[role], `${MODEL_LABEL[role]} (${precision})`);
    let sessions: Record<ModelRole, InferenceSession>;
    try {
      sessions = await openSessions(paths, sessionOptionsFor(provider, options));
    } catch (error) {
      // A file onnxruntime cannot parse is 'model_invalid' on any provider; anything else from a CUDA session is the provider's.
      if (provider !== 'cuda' || error instanceof DiffusionError) throw error;
      if (index < candidates.length - 1) {
        fallbackReason = `CUDA sessions could not be created: ${(error as Error).message}`;
        continue;
      }
      throw new DiffusionError('provider_unavailable', `the CUDA execution provider cannot run here: ${(error as Error).message}`, { cause: error });
    }
    try {
      const layout = checkModelSetLayout(metadataOf(sessions), precision, embedding.shape);
      const embeddingForModel = matchEmbedding(embedding, layout.floatDtype);
      const release = async () => {
        await Promise.all(Object.values(sessions).map((s) => s.release()));
      };
      return { dir: options.dir, manifest, precision, provider, fallbackReason: provider === 'cpu' ? fallbackReason : undefined, layout, sessions, embedding: embeddingForModel, release };
    } catch (error) {
      await Promise.all(Object.values(sessions).map((s) => s.release()));
      throw error;
    }
  }
  throw new DiffusionError('provider_unavailable', 'no execution provider could open the model set');
}

/** The precision variant to load: the requested one (it must be in the manifest), or under 'auto' fp16 on CUDA and fp32 on CPU when present. */
export function choosePrecision(manifest: ModelSetManifest, choice: PrecisionChoice, provider: Provider): Precision {
  if (choice !== 'auto') {
    if (!manifest.precisions.includes(choice)) throw new DiffusionError('model_unavailable', `the model set has no ${choice} variant (it has ${manifest.precisions.join(', ')})`);
    return choice;
  }
  const preferred: Precision = provider === 'cuda' ? 'fp16' : 'fp32';
  return manifest.precisions.includes(preferred) ? preferred : manifest.precisions[0];
}

async function readManifest(dir: string): Promise<ModelSetManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new DiffusionError('model_unavailable', `no diffusion model set at ${dir}: ${MANIFEST_FILE} is missing or unreadable (see libs/diffusion/README.md)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DiffusionError('model_invalid', `${path} is not JSON: ${(error as Error).message}`);
  }
  return parseManifest(json);
}

async function readEmbedding(dir: string, file: string): Promise<NpyArray> {
  const path = join(dir, file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new DiffusionError('model_unavailable', `the empty-prompt embedding is missing at ${path}`);
  }
  try {
    return parseNpy(bytes);
  } catch (error) {
    throw new DiffusionError('model_invalid', `the empty-prompt embedding at ${path} is not usable: ${(error as Error).message}`);
  }
}

/** The embedding in the models' float type (converted once at load). */
function matchEmbedding(embedding: NpyArray, dtype: 'float32' | 'float16'): NpyArray {
  if (embedding.dtype === dtype) return embedding;
  return { dtype, shape: embedding.shape, data: convert(embedding, dtype) };
}

function convert(embedding: NpyArray, dtype: 'float32' | 'float16'): Float32Array | Uint16Array {
  return dtype === 'float16' ? float32ToFloat16(embedding.data as Float32Array) : float16ToFloat32(embedding.data as Uint16Array);
}

async function assertReadable(path: string, what: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new DiffusionError('model_unavailable', `the ${what} model is missing at ${path}`);
  }
}

async function openSessions(paths: Record<ModelRole, string>, options: InferenceSession.SessionOptions): Promise<Record<ModelRole, InferenceSession>> {
  const opened: Partial<Record<ModelRole, InferenceSession>> = {};
  try {
    for (const role of MODEL_ROLES) opened[role] = await openSession(paths[role], role, options);
    return opened as Record<ModelRole, InferenceSession>;
  } catch (error) {
    await Promise.all(Object.values(opened).map((s) => s.release()));
    throw error;
  }
}

async function openSession(path: string, role: ModelRole, options: InferenceSession.SessionOptions): Promise<InferenceSession> {
  try {
    return await InferenceSession.create(path, options);
  } catch (error) {
    const message = (error as Error).message;
    // Provider failures are the caller's to handle (fallback or provider_unavailable).
    if (/ExecutionProvider|providers_(cuda|shared)|libcu/i.test(message)) throw error;
    throw new DiffusionError('model_invalid', `the ${MODEL_LABEL[role]} model at ${path} could not be loaded: ${message}`, { cause: error });
  }
}

function metadataOf(sessions: Record<ModelRole, InferenceSession>): Record<ModelRole, ModelMeta> {
  const meta = (list: readonly InferenceSession.ValueMetadata[]): ValueMeta[] =>
    list.map((m) => (m.isTensor ? { name: m.name, isTensor: true, type: m.type, shape: m.shape } : { name: m.name, isTensor: false }));
  const out = {} as Record<ModelRole, ModelMeta>;
  for (const role of MODEL_ROLES) out[role] = { inputs: meta(sessions[role].inputMetadata), outputs: meta(sessions[role].outputMetadata) };
  return out;
}
