import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { EnvConfigError, envVar, parseEnv } from '@pertouch/contracts';
import { DEFAULT_MAX_PIXELS } from '@pertouch/image-io';
import { DEFAULT_SCENE_INPUT_SIZE, DEFAULT_SCENE_MODEL_OUTPUT, SCENE_MODEL_NAME_PATTERN } from '@pertouch/memory';
import { storageConfigFromEnv, type StorageConfig } from '@pertouch/storage';

export { EnvConfigError as ConfigError } from '@pertouch/contracts';

/** The gpu-worker's configuration, read once from the environment at start-up (README: env vars). */
export interface GpuWorkerConfig {
  readonly redisUrl: string;
  /** BullMQ key prefix; must match the agent's. */
  readonly queuePrefix: string;
  readonly concurrency: number;
  readonly maxPixels: number;
  /** Threads for the full-resolution passes of images of 2 MP and more. */
  readonly threads: number;
  /** A calibration table JSON to use instead of the built-in one. */
  readonly calibrationPath: string | undefined;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  readonly shutdownTimeoutMs: number;
  readonly storage: StorageConfig;
  /** The diffusion engine's settings; undefined when PERTOUCH_DIFFUSION_DIR is not set (README: Engines). */
  readonly diffusion: DiffusionConfig | undefined;
  /** Port of the /healthz + /readyz server; 0 = none. */
  readonly healthPort: number;
  /** The image-embedding model of `analyse`'s scene; undefined = the embedded descriptor (README: Scene features). */
  readonly sceneModel: SceneModelConfig | undefined;
}

/** libs/memory's OnnxSceneModel options, from PERTOUCH_SCENE_MODEL*. */
export interface SceneModelConfig {
  /** The .onnx file (checked to exist here; loaded and checked at start-up by loadSceneModel). */
  readonly path: string;
  /** The kind's name; undefined = the file's basename. */
  readonly name: string | undefined;
  readonly outputName: string;
  /** The input side when the model leaves H and W symbolic. */
  readonly size: number;
}

export interface DiffusionConfig {
  /** The model-set directory (libs/diffusion README: the model set). */
  readonly dir: string;
  readonly provider: 'auto' | 'cuda' | 'cpu';
  readonly precision: 'auto' | 'fp32' | 'fp16';
  readonly steps: number;
  readonly seed: number;
  /** CPU threads per ONNX session; undefined = onnxruntime's default. */
  readonly threads: number | undefined;
}

/** The gpu-worker's own variables; the storage variables are libs/storage's (README: the whole table). */
export const ENV_SCHEMA = {
  REDIS_URL: envVar.urlOr('redis://127.0.0.1:6379', ['redis', 'rediss']),
  PERTOUCH_QUEUE_PREFIX: envVar.queuePrefix(),
  GPU_WORKER_CONCURRENCY: envVar.int(1, 1, 16),
  GPU_WORKER_LOCK_DURATION_MS: envVar.int(300_000, 5_000, 3_600_000),
  GPU_WORKER_STALLED_INTERVAL_MS: envVar.int(30_000, 1_000, 3_600_000),
  GPU_WORKER_MAX_STALLED_COUNT: envVar.int(2, 0, 100),
  GPU_WORKER_SHUTDOWN_TIMEOUT_MS: envVar.int(120_000, 0, 3_600_000),
  PERTOUCH_MAX_PIXELS: envVar.int(DEFAULT_MAX_PIXELS, 1, 2 ** 31 - 1),
  PERTOUCH_THREADS: envVar.int(0, 0, 256),
  PERTOUCH_CALIBRATION: envVar.string(),
  PERTOUCH_DIFFUSION_DIR: envVar.string(),
  PERTOUCH_DIFFUSION_PROVIDER: envVar.oneOf(['auto', 'cuda', 'cpu'], 'auto'),
  PERTOUCH_DIFFUSION_PRECISION: envVar.oneOf(['auto', 'fp32', 'fp16'], 'auto'),
  PERTOUCH_DIFFUSION_STEPS: envVar.int(50, 1, 1000),
  PERTOUCH_DIFFUSION_SEED: envVar.int(42, 0, 2 ** 31 - 1),
  PERTOUCH_DIFFUSION_THREADS: envVar.int(0, 0, 256),
  GPU_WORKER_HEALTH_PORT: envVar.int(0, 0, 65535),
  PERTOUCH_SCENE_MODEL: envVar.string(),
  PERTOUCH_SCENE_MODEL_NAME: envVar.string({ pattern: SCENE_MODEL_NAME_PATTERN, hint: 'must be 1–40 of [A-Za-z0-9._-], starting with a letter or digit' }),
  PERTOUCH_SCENE_MODEL_OUTPUT: envVar.stringOr(DEFAULT_SCENE_MODEL_OUTPUT, { pattern: /^.{1,200}$/, hint: 'must be 1–200 characters' }),
  PERTOUCH_SCENE_MODEL_SIZE: envVar.int(DEFAULT_SCENE_INPUT_SIZE, 1, 4096),
};

/** PERTOUCH_SCENE_MODEL must name a file; its other variables mean nothing without it (a typo would otherwise pass silently). */
function sceneModelProblems(env: Readonly<Record<string, string | undefined>>, path: string | undefined): string[] {
  if (path === undefined) {
    return ['PERTOUCH_SCENE_MODEL_NAME', 'PERTOUCH_SCENE_MODEL_OUTPUT', 'PERTOUCH_SCENE_MODEL_SIZE'].filter((name) => env[name]?.trim()).map((name) => `${name}: is set but PERTOUCH_SCENE_MODEL is not`);
  }
  try {
    if (statSync(path).isFile()) return [];
    return [`PERTOUCH_SCENE_MODEL: ${path} is not a file (the .onnx of an image-embedding model)`];
  } catch {
    return [`PERTOUCH_SCENE_MODEL: no file at ${path}`];
  }
}

/** Validates the environment; throws one ConfigError listing every bad variable (secrets never shown). */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): GpuWorkerConfig {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof EnvConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const e = attempt(() => parseEnv(ENV_SCHEMA, env));
  const storage = attempt(() => storageConfigFromEnv(env));
  if (e) problems.push(...sceneModelProblems(env, e.PERTOUCH_SCENE_MODEL));
  if (problems.length > 0 || !e || !storage) throw new EnvConfigError(problems);
  return {
    redisUrl: e.REDIS_URL,
    queuePrefix: e.PERTOUCH_QUEUE_PREFIX,
    concurrency: e.GPU_WORKER_CONCURRENCY,
    maxPixels: e.PERTOUCH_MAX_PIXELS,
    threads: e.PERTOUCH_THREADS === 0 ? availableParallelism() : e.PERTOUCH_THREADS,
    calibrationPath: e.PERTOUCH_CALIBRATION,
    lockDurationMs: e.GPU_WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: e.GPU_WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: e.GPU_WORKER_MAX_STALLED_COUNT,
    shutdownTimeoutMs: e.GPU_WORKER_SHUTDOWN_TIMEOUT_MS,
    storage,
    diffusion: e.PERTOUCH_DIFFUSION_DIR
      ? {
          dir: e.PERTOUCH_DIFFUSION_DIR,
          provider: e.PERTOUCH_DIFFUSION_PROVIDER,
          precision: e.PERTOUCH_DIFFUSION_PRECISION,
          steps: e.PERTOUCH_DIFFUSION_STEPS,
          seed: e.PERTOUCH_DIFFUSION_SEED,
          threads: e.PERTOUCH_DIFFUSION_THREADS === 0 ? undefined : e.PERTOUCH_DIFFUSION_THREADS,
        }
      : undefined,
    healthPort: e.GPU_WORKER_HEALTH_PORT,
    sceneModel: e.PERTOUCH_SCENE_MODEL
      ? { path: e.PERTOUCH_SCENE_MODEL, name: e.PERTOUCH_SCENE_MODEL_NAME, outputName: e.PERTOUCH_SCENE_MODEL_OUTPUT, size: e.PERTOUCH_SCENE_MODEL_SIZE }
      : undefined,
  };
}
